package io.babelcall.api.web;

import io.babelcall.api.config.ApiProperties;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The client address used as the rate-limit key. By default the TCP peer address. With
 * {@code babelcall.api.trusted-proxies=N} (N reverse proxies such as Traefik in front), the N-th address from the
 * right of {@code X-Forwarded-For}: the one the outermost trusted proxy saw. The left part of that header is
 * client-controlled, so it is never used.
 *
 * <p>The unit counted: one IPv4 address (also private and carrier-grade NAT ones: on a LAN each is a machine of its
 * own); all of loopback ({@code 127.0.0.0/8} and {@code ::1}) as one client, {@value #LOOPBACK}, since any process
 * on the host can use any of those addresses; an IPv6 /64, the block one host usually owns. IPv4-mapped IPv6
 * addresses count as their IPv4 address.
 */
@Component
public class ClientAddressResolver {

    private final int trustedProxies;

    public ClientAddressResolver(ApiProperties properties) {
        this.trustedProxies = properties.trustedProxies();
    }

    public String resolve(ServerHttpRequest request) {
        String address = null;
        if (trustedProxies > 0) {
            List<String> hops = new ArrayList<>();
            for (String header : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
                for (String hop : header.split(",", -1)) {
                    if (!hop.isBlank()) {
                        hops.add(hop.trim());
                    }
                }
            }
            if (!hops.isEmpty()) {
                address = hops.get(Math.max(0, hops.size() - trustedProxies));
            }
        }
        if (address == null) {
            InetSocketAddress remote = request.getRemoteAddress();
            if (remote == null) {
                return "unknown";
            }
            address = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        }
        return normalise(address);
    }

    /** Canonical form of an IP literal (never a DNS lookup); anything else becomes one shared "invalid" bucket. */
    static String normalise(String address) {
        String a = address.trim();
        if (a.startsWith("[") && a.indexOf(']') > 0) {
            a = a.substring(1, a.indexOf(']'));
        } else if (a.matches("[0-9.]+:[0-9]+")) {
            a = a.substring(0, a.indexOf(':'));
        }
        boolean ipv4 = IPV4.matcher(a).matches()
                && java.util.Arrays.stream(a.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        boolean ipv6 = !ipv4 && a.indexOf(':') >= 0 && IPV6.matcher(a).matches();
        if (!ipv4 && !ipv6) {
            return "invalid";
        }
        try {
            InetAddress parsed = InetAddress.getByName(a);
            if (parsed.isLoopbackAddress()) {
                return LOOPBACK;
            }
            if (parsed instanceof Inet6Address) {
                byte[] bytes = parsed.getAddress();
                for (int i = 8; i < 16; i++) {
                    bytes[i] = 0;
                }
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return "invalid";
        }
    }

    /** The one client every loopback address is. */
    public static final String LOOPBACK = "loopback";

    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");
}
