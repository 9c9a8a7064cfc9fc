package dev.latchkey.server.web.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Lets Jetty start listening while the application (database, migrations) is still opening on another core:
 * a request that arrives first waits for it, briefly, and is then served by it; nothing is answered before the
 * application is ready. If it never gets ready the request is answered 503.
 */
public final class StartingHandler extends Handler.Abstract {
    private static final long WAIT_SECONDS = 30;
    private final CompletableFuture<Handler> application = new CompletableFuture<>();

    public void ready(Handler handler) {
        addBean(handler);
        application.complete(handler);
    }

    public void failed(Throwable cause) {
        application.completeExceptionally(cause);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler handler;
        try {
            handler = application.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            ErrorBody.send(request, response, callback, new HttpErrors.StillStarting());
            return true;
        }
        return handler.handle(request, response, callback);
    }
}
