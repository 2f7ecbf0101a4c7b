package io.needlestack.bench;

import io.needlestack.bench.load.Workload;
import io.needlestack.bench.options.BenchOptions;
import io.needlestack.bench.options.InvalidOptionException;
import io.needlestack.bench.report.Comparison;
import io.needlestack.bench.report.JsonReport;
import io.needlestack.bench.report.Ratio;
import io.needlestack.bench.report.TableRenderer;
import io.needlestack.bench.stats.Results;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The command line of needlestack-bench: {@code run} (the default) loads the targets and prints
 * the table (and, with two targets, the ratios of the first to the second), {@code presign}
 * uploads one object and prints a presigned GET URL. Exit status: 0 done, 1 failed, 2 bad usage.
 */
public final class BenchMain {

  private BenchMain() {
  }

  /** Entry point of {@code java -jar needlestack-bench.jar}. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool with {@code args}; returns the exit status instead of exiting. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, System.getenv());
    } catch (InvalidOptionException e) {
      if (!e.getMessage().equals("help")) {
        err.println("needlestack-bench: " + e.getMessage());
      }
      err.print(BenchOptions.USAGE);
      return e.getMessage().equals("help") ? 0 : 2;
    }
    Instant started = Instant.now();
    try (Workload workload = new Workload(options, err)) {
      if (options.command().equals("presign")) {
        out.println(workload.presign());
        return 0;
      }
      Results results = workload.run();
      out.println();
      out.println("Results (" + options.threads() + " threads, " + options.duration().toMillis()
          + " ms per phase, " + options.rounds() + " round(s); MB = 10^6 bytes):");
      out.print(TableRenderer.results(results));
      List<Ratio> ratios = List.of();
      if (options.targets().size() >= 2) {
        String subject = options.targets().get(0).label();
        String peer = options.targets().get(1).label();
        ratios = Comparison.of(results, subject, peer);
        out.println();
        out.println("Ratios " + subject + " / " + peer + ":");
        out.print(TableRenderer.ratios(ratios, subject, peer));
      }
      if (options.jsonPath() != null) {
        Path json = Path.of(options.jsonPath());
        if (json.getParent() != null) {
          Files.createDirectories(json.getParent());
        }
        Files.writeString(json, JsonReport.render(options, started, results, ratios));
        out.println("JSON written to " + json);
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("needlestack-bench: failed: " + e);
      return 1;
    }
  }
}
