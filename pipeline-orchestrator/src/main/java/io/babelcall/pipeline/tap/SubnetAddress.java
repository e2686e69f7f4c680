package io.babelcall.pipeline.tap;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * An address given as a subnet ({@code 10.20.0.0/16}) stands for this host's own address in it: in a Swarm or
 * compose network every replica has another address, but they all share the network's subnet.
 */
final class SubnetAddress {

    private SubnetAddress() {
    }

    static boolean isSubnet(String value) {
        return value != null && value.indexOf('/') > 0;
    }

    /** This host's address in {@code cidr}; fails naming the subnet when no interface has one. */
    static InetAddress local(String cidr) {
        String[] parts = cidr.split("/", 2);
        InetAddress net;
        int bits;
        try {
            net = InetAddress.getByName(parts[0]);
            bits = Integer.parseInt(parts[1]);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not a subnet (address/prefix length): " + cidr);
        }
        if (bits < 0 || bits > net.getAddress().length * 8) {
            throw new IllegalArgumentException("prefix length out of range in " + cidr);
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (contains(net, bits, a)) {
                        return a;
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot list this host's addresses: " + e.getMessage());
        }
        throw new IllegalArgumentException("this host has no address in " + cidr);
    }

    static boolean contains(InetAddress net, int bits, InetAddress a) {
        byte[] n = net.getAddress();
        byte[] x = a.getAddress();
        if (n.length != x.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((n[i / 8] & mask) != (x[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
