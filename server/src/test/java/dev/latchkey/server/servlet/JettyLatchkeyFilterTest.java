package dev.latchkey.server.servlet;

import dev.latchkey.servlet.LatchkeyFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The filter in Jetty 12's ee10 servlet container (Servlet 6.0). */
class JettyLatchkeyFilterTest extends LatchkeyFilterContract {
    @Override
    Container container() {
        return (dir, parameters, servlet) -> {
            var app = new Server();
            var connector = new ServerConnector(app);
            connector.setHost("127.0.0.1");
            app.addConnector(connector);
            var context = new ServletContextHandler();
            var filter = new FilterHolder(LatchkeyFilter.class);
            parameters.forEach(filter::setInitParameter);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(servlet), "/whoami");
            app.setHandler(context);
            app.start();
            return new Running(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/whoami"), app::stop);
        };
    }
}
