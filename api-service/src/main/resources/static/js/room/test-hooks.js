// window.__babelcall.snapshot(): a read-only copy of what the call view knows, for the end-to-end test and for
// debugging from the console; mediaStats(): what the SFU's receiving connection decodes, per participant. They hold
// no token or secret and change nothing.

/** @param {import('../room.js').RoomView} view */
export function exposeTestHooks(view) {
  window.__babelcall = Object.freeze({
    view: 'room',
    snapshot() {
      const { signaling, uplink, sfu } = view.connections;
      return JSON.parse(
        JSON.stringify({
          view: view.ended ? 'ended' : 'room',
          roomId: view.roomId,
          selfId: view.selfId,
          me: view.me,
          signaling: signaling.state,
          media: view.mediaMode,
          sfu: {
            state: sfu.state,
            publisher: sfu.publisher?.connectionState || null,
            subscriber: sfu.subscriber?.connectionState || null,
            streams: sfu.streams,
            layers: Object.fromEntries(sfu.sentLayers),
            stats: sfu.stats,
          },
          devicesEnded: view.controls.devicesEnded,
          micOn: view.media.micOn,
          camOn: view.media.camOn,
          captionMode: view.captions.mode,
          peers: [...view.peers.values()].map((p) => {
            const tile = view.tiles.get(p.participantId);
            const link = view.connections.linkOf(p.participantId);
            return {
              ...p,
              connectionState: link?.connectionState || null,
              linkStats: link?.stats || null,
              tracks: link ? link.stream.getTracks().map((t) => ({ kind: t.kind, readyState: t.readyState })) : [],
              speaking: !!tile?.root.classList.contains('speaking'),
              offstage: !!tile?.offstage,
              videoWidth: tile?.video.videoWidth || 0,
              videoPlaying: !!tile && !tile.video.paused && tile.video.readyState >= 2,
              volume: tile?.video.volume ?? null,
            };
          }),
          uplink: uplink.stats,
          captions: view.captions.log,
          captionsSettled: view.captions.settledLog,
          dub: view.dubbing.stats,
          chat: view.chat.messages,
        }),
      );
    },
    /**
     * Per participant, from the SFU's receiving connection: video frames decoded and their width, audio samples and
     * bytes received; and `sending`: my simulcast layers as my sending connection encodes them.
     */
    async mediaStats() {
      const out = { sending: [] };
      const publisher = view.connections.sfu.publisher;
      for (const r of publisher ? (await publisher.getStats()).values() : []) {
        if (r.type !== 'outbound-rtp' || r.kind !== 'video') continue;
        out.sending.push({
          rid: r.rid ?? null,
          frameWidth: r.frameWidth || 0,
          framesEncoded: r.framesEncoded || 0,
          bytesSent: r.bytesSent || 0,
          limitation: r.qualityLimitationReason || null,
        });
      }
      const pc = view.connections.sfu.subscriber;
      if (!pc) return out;
      const owner = new Map(view.connections.sfu.streams.map((s) => [s.mid, s.participantId]));
      for (const r of (await pc.getStats()).values()) {
        if (r.type !== 'inbound-rtp' || !owner.has(r.mid)) continue;
        const who = (out[owner.get(r.mid)] ??= {});
        if (r.kind === 'video')
          Object.assign(who, { framesDecoded: r.framesDecoded || 0, frameWidth: r.frameWidth || 0 });
        else who.audioSamples = r.totalSamplesReceived || 0;
        who[`${r.kind}Bytes`] = r.bytesReceived || 0;
      }
      return out;
    },
  });
}
