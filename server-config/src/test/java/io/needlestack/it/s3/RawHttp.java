package io.needlestack.it.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/1.1 client over a plain socket, for requests that ordinary clients refuse to
 * send: any Host header (virtual-host addressing without DNS), no Content-Length, broken bodies.
 * {@link #exchange} sends {@code Connection: close} and reads the answer to the end;
 * {@link KeptAlive} keeps its connection open between requests.
 */
final class RawHttp {

  private static final int MAX_BODY = 64 << 20;

  private RawHttp() {
  }

  /** One HTTP answer; header names are lower case. */
  record Response(int status, Map<String, List<String>> headers, byte[] body) {

    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      String t = text();
      return "HTTP " + status + " " + headers + "\n"
          + (t.length() > 4000 ? t.substring(0, 4000) + "..." : t);
    }
  }

  /**
   * Sends one request to 127.0.0.1:{@code port}.
   *
   * @param headers sent exactly as given (name, value), Host included if wanted
   * @param body    written after the headers, may be null
   */
  static Response exchange(int port, String method, String target, List<String[]> headers,
      InputStream body, boolean headRequest) throws IOException {
    try (Socket s = connect(port, 60_000)) {
      OutputStream out = s.getOutputStream();
      out.write(head(method, target, headers, "Connection: close\r\n"));
      if (body != null) {
        try {
          body.transferTo(out);
        } catch (IOException e) {
          // The server may answer (e.g. 400) and close before reading the whole body.
        }
      }
      out.flush();
      return read(new BufferedInputStream(s.getInputStream()), headRequest);
    }
  }

  /**
   * A connection kept open between requests (no {@code Connection: close}), for what a server does
   * with a connection between two requests. Answers must carry their length (Content-Length or
   * chunked), or reading one waits for the connection to close.
   */
  static final class KeptAlive implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    /** Connects to 127.0.0.1:{@code port}; every wait for answer bytes is bounded by {@code readTimeoutMillis}. */
    KeptAlive(int port, int readTimeoutMillis) throws IOException {
      socket = connect(port, readTimeoutMillis);
      in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends a request without a body and reads its answer, leaving the connection open. */
    Response exchange(String method, String target, List<String[]> headers) throws IOException {
      socket.getOutputStream().write(head(method, target, headers, ""));
      socket.getOutputStream().flush();
      return read(in, method.equals("HEAD"));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static Socket connect(int port, int readTimeoutMillis) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(readTimeoutMillis);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** The request line and headers as given (any Connection header dropped), then {@code connection}. */
  private static byte[] head(String method, String target, List<String[]> headers, String connection) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    for (String[] h : headers) {
      if (!h[0].equalsIgnoreCase("connection")) {
        head.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
    }
    head.append(connection).append("\r\n");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Response read(InputStream in, boolean headRequest) throws IOException {
    String statusLine = line(in);
    while (statusLine.startsWith("HTTP/1.1 100")) {
      line(in);
      statusLine = line(in);
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: '" + statusLine + "'");
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new TreeMap<>();
    for (String l; !(l = line(in)).isEmpty(); ) {
      int c = l.indexOf(':');
      headers.computeIfAbsent(l.substring(0, c).trim().toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).add(l.substring(c + 1).trim());
    }
    byte[] body;
    List<String> te = headers.get("transfer-encoding");
    List<String> cl = headers.get("content-length");
    if (headRequest || status == 204 || status == 304) {
      body = new byte[0];
    } else if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int n; (n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
        b.write(in.readNBytes(n));
        line(in);
        if (b.size() > MAX_BODY) {
          throw new IOException("body over " + MAX_BODY);
        }
      }
      while (!line(in).isEmpty()) {
        // trailers
      }
      body = b.toByteArray();
    } else if (cl != null) {
      body = in.readNBytes(Integer.parseInt(cl.get(0)));
    } else {
      body = in.readNBytes(MAX_BODY);
    }
    return new Response(status, headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        if (b.size() == 0) {
          throw new IOException("connection closed before a complete response");
        }
        break;
      }
      b.write(c);
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
