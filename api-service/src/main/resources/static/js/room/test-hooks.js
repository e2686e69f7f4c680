// window.__babelcall.snapshot(): a read-only copy of what the call view knows, for the end-to-end test and for
// debugging from the console. It holds no token or secret and changes nothing.

/** @param {import('../room.js').RoomView} view */
export function exposeTestHooks(view) {
  window.__babelcall = Object.freeze({
    view: 'room',
    snapshot() {
      const { signaling, mesh, uplink } = view.connections;
      return JSON.parse(
        JSON.stringify({
          view: view.ended ? 'ended' : 'room',
          roomId: view.roomId,
          selfId: view.selfId,
          me: view.me,
          signaling: signaling.state,
          micOn: view.media.micOn,
          camOn: view.media.camOn,
          captionMode: view.captions.mode,
          peers: [...view.peers.values()].map((p) => {
            const tile = view.tiles.get(p.participantId);
            const link = mesh.get(p.participantId);
            return {
              ...p,
              connectionState: link?.connectionState || null,
              linkStats: link?.stats || null,
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
  });
}
