package dev.latchkey.bench.cluster;

import java.io.IOException;
import java.net.ServerSocket;

/** Prints a TCP port free on this machine now, for the scripts that start servers. */
public final class FreePort {
    private FreePort() {}

    public static void main(String[] args) throws IOException {
        try (var socket = new ServerSocket(0)) {
            System.out.println(socket.getLocalPort());
        }
    }
}
