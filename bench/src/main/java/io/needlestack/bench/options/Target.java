package io.needlestack.bench.options;

import java.net.URI;

/**
 * One S3 endpoint under test. The first target of a run is the subject of the ratios, the second
 * its peer.
 *
 * @param label the name in tables and JSON
 * @param endpoint base URI, e.g. {@code http://127.0.0.1:8080}
 * @param rssPid a process whose resident set size is sampled during each phase, or 0 for none
 */
public record Target(String label, URI endpoint, long rssPid) {

  /**
   * {@code LABEL=URL} or {@code URL} (labelled by its host and port); an {@code @PID} suffix names
   * the server process to sample: {@code needlestack=http://127.0.0.1:8080@12345}.
   */
  public static Target parse(String text) {
    String rest = text.trim();
    long pid = 0;
    int at = rest.lastIndexOf('@');
    if (at > 0 && rest.substring(at + 1).matches("\\d+")) {
      pid = Long.parseLong(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String label;
    String url;
    int eq = rest.indexOf('=');
    if (eq > 0 && !rest.substring(0, eq).contains("/")) {
      label = rest.substring(0, eq);
      url = rest.substring(eq + 1);
    } else {
      label = null;
      url = rest;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException("not a URL: '" + url + "'");
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
      throw new InvalidOptionException("a target needs an http(s) URL with a host: '" + text + "'");
    }
    if (label == null) {
      label = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
    if (label.isBlank()) {
      throw new InvalidOptionException("empty target label in '" + text + "'");
    }
    return new Target(label, uri, pid);
  }
}
