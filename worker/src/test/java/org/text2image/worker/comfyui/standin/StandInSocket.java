package org.text2image.worker.comfyui.standin;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client's {@code /ws} socket on the stand-in: announces the queue on open (a status frame
 * with {@code sid}), forgets itself on close. Internal: public only because Jetty calls its
 * listener methods through a public lookup.
 */
public final class StandInSocket implements Session.Listener.AutoDemanding {

    private final StandInSockets sockets;
    private final String clientId;
    private Session session;

    StandInSocket(StandInSockets sockets, String clientId) {
        this.sockets = sockets;
        this.clientId = clientId;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        sockets.opened(clientId, session);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        sockets.closed(clientId, session);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        sockets.closed(clientId, session);
    }
}
