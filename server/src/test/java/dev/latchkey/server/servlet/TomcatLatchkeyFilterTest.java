package dev.latchkey.server.servlet;

import dev.latchkey.servlet.LatchkeyFilter;
import java.net.URI;
import java.nio.file.Files;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The filter in embedded Tomcat 10.1 (Servlet 6.0), the container most Spring-less Java web apps deploy to. */
class TomcatLatchkeyFilterTest extends LatchkeyFilterContract {
    @Override
    Container container() {
        return (dir, parameters, servlet) -> {
            Files.createDirectories(dir);
            var tomcat = new Tomcat();
            tomcat.setBaseDir(dir.toString());
            var connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            var context = tomcat.addContext("", dir.toString());
            Tomcat.addServlet(context, "whoami", servlet);
            context.addServletMappingDecoded("/whoami", "whoami");
            var filter = new FilterDef();
            filter.setFilterName("latchkey");
            filter.setFilterClass(LatchkeyFilter.class.getName());
            parameters.forEach(filter::addInitParameter);
            context.addFilterDef(filter);
            var mapping = new FilterMap();
            mapping.setFilterName("latchkey");
            mapping.addURLPattern("/*");
            context.addFilterMap(mapping);
            tomcat.start();
            return new Running(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/whoami"), () -> {
                tomcat.stop();
                tomcat.destroy();
            });
        };
    }
}
