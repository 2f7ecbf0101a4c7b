package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.function.Executable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Checks that S3 errors are what S3 answers: status, code, XML body and request id. */
final class S3Assertions {

  private S3Assertions() {
  }

  /**
   * Runs an SDK call that must fail with the given HTTP status and S3 error code.
   *
   * @param code expected S3 code, or null where S3 sends no body (errors to HEAD)
   */
  static S3Exception assertS3Error(int status, String code, Executable call) {
    try {
      call.execute();
    } catch (S3Exception e) {
      String body = e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null
          ? "" : e.awsErrorDetails().rawResponse().asUtf8String();
      String what = "expected " + status + " " + code + ", got " + e.statusCode() + " "
          + (e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())
          + "; body:\n" + body;
      assertEquals(status, e.statusCode(), what);
      assertNotNull(e.requestId(), "no request id; " + what);
      if (code != null) {
        assertEquals(code, e.awsErrorDetails().errorCode(), what);
        // The SDK parsed Code and Message out of the XML body; the raw body is usually consumed
        // by then, so the raw-HTTP tests check the whole document.
        String message = e.awsErrorDetails().errorMessage();
        assertTrue(message != null && !message.isBlank(), "no <Message>; " + what);
        if (!body.isEmpty()) {
          assertErrorXml(body, code, what);
        }
      }
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected S3 error " + status + " " + code + " but got " + t, t);
    }
    return fail("expected S3 error " + status + " " + code + " but the call succeeded");
  }

  /** A raw answer must be the given status and an S3 error document with that code. */
  static void assertRawError(RawHttp.Response r, int status, String code) {
    String what = "expected " + status + " " + code + ", got " + r;
    assertEquals(status, r.status(), what);
    assertNotNull(r.header("x-amz-request-id"), "no x-amz-request-id; " + what);
    assertErrorXml(r.text(), code, what);
  }

  /**
   * No answer, whatever its status, may be a server error or carry a stack trace; 501
   * NotImplemented is S3's own answer for what a server does not offer, so it is allowed.
   */
  static void assertNoServerFault(RawHttp.Response r) {
    assertTrue(r.status() < 500 || r.status() == 501 && r.text().contains(
        "<Code>NotImplemented</Code>"), "server fault: " + r);
    String t = r.text();
    assertFalse(t.contains("Exception") || t.contains("\tat ") || t.contains(".java:"),
        "answer leaks a stack trace: " + r);
  }

  private static void assertErrorXml(String body, String code, String what) {
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      doc = f.newDocumentBuilder().parse(
          new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError("error body is not XML (" + e + "); " + what, e);
    }
    Element root = doc.getDocumentElement();
    assertEquals("Error", root.getTagName(), what);
    assertEquals(code, text(root, "Code"), what);
    assertNotNull(text(root, "Message"), "no <Message>; " + what);
    assertNotNull(text(root, "RequestId"), "no <RequestId>; " + what);
  }

  static String text(Element parent, String tag) {
    var nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
  }
}
