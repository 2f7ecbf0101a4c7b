package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.needlestack.it.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * awscli, s3cmd (SigV2 and SigV4) and boto3 against the server, through
 * {@code src/test/scripts/s3-cli-tools.sh}. A missing awscli or s3cmd skips the test, except on
 * CI ({@code CI=true}) against Needlestack, where it fails: CI installs them.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CliToolsIT extends S3TestSupport {

  private static final long SCRIPT_TIMEOUT_S = 280;

  private static boolean onPath(String command) {
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void requireTool(String tool) {
    if (onPath("command -v " + tool)) {
      return;
    }
    String why = tool + " is not installed (Debian package " + tool + ")";
    if (Target.onCi() && Target.current() == Target.NEEDLESTACK) {
      fail(why + ": CI must install it");
    }
    Assumptions.abort(why);
  }

  private void runScript(String mode) throws Exception {
    Path script = Path.of(System.getProperty("it.scripts.dir", "src/test/scripts"))
        .resolve("s3-cli-tools.sh").toAbsolutePath();
    Path base = Files.createDirectories(
        Path.of(System.getProperty("it.work.dir", "target/it-work")).toAbsolutePath());
    Path work = Files.createTempDirectory(base, "cli-" + mode + "-");
    Path log = work.resolve("script.log");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), mode)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("S3_ENDPOINT", node.endpoint().toString());
    env.put("S3_ACCESS_KEY", node.accessKey());
    env.put("S3_SECRET_KEY", node.secretKey());
    env.put("S3_REGION", node.region());
    env.put("WORK_DIR", work.resolve("files").toString());
    env.put("BUCKET", bucketName(mode.replace("3", "x")));
    Process p = pb.start();
    boolean finished = p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String output = tail(log);
    try {
      assertTrue(finished, mode + " did not finish in " + SCRIPT_TIMEOUT_S + " s:\n" + output);
      assertEquals(0, p.exitValue(), mode + " failed:\n" + output + "\nserver log:\n"
          + node.logTail());
      assertTrue(output.contains("PASSED: " + mode), output);
    } finally {
      NodeProcess.deleteTree(work.resolve("files"));
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  @Test
  void awsCli() throws Exception {
    requireTool("aws");
    runScript("awscli");
  }

  @Test
  void s3cmdSignatureV2() throws Exception {
    requireTool("s3cmd");
    runScript("s3cmd-v2");
  }

  @Test
  void s3cmdSignatureV4() throws Exception {
    requireTool("s3cmd");
    runScript("s3cmd-v4");
  }

  @Test
  void boto3() throws Exception {
    Assumptions.assumeTrue(onPath("python3 -c 'import boto3'"),
        "python3 with boto3 (Debian python3-boto3) is not available");
    runScript("boto3");
  }
}
