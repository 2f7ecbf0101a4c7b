package io.needlestack.bench.options;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run of the tool, as the command line asks it.
 *
 * @param command {@code run} (the load) or {@code presign} (upload one object, print a presigned
 *     GET URL for it: for wrk and other plain HTTP tools)
 * @param targets endpoints under test, in the order of the ratios (subject first)
 * @param accessKey access key id of every target
 * @param secretKey secret key of every target
 * @param region signing region
 * @param bucket bucket used (created when missing)
 * @param threads concurrent client threads (and connections)
 * @param sizes object sizes in bytes, ascending
 * @param phases phases, always in {@link Phase} order
 * @param duration length of each timed phase
 * @param warmup unmeasured load per target and size before its first round
 * @param prewarm unmeasured load on every target in turn before any timed round, in this client
 *     JVM ({@code prewarmPhases}, this long each, at the run's sizes up to 1 MiB): warms the servers
 *     and the client's own JIT, which otherwise makes the first target measured look slower (zero:
 *     none)
 * @param prewarmPhases the phases of {@code --prewarm}, in {@link Phase} order
 * @param rounds times each target runs each size's phases, alternating targets
 * @param pathStyle path-style addressing (else virtual-host style)
 * @param checksum SDK request checksums (CRC32 trailer) instead of only when required
 * @param jsonPath where to write the JSON report, or null
 * @param keep leave the objects in place after the run
 * @param key object key for {@code presign}
 * @param expires lifetime of a presigned URL
 * @param objects when above zero, each PUT phase writes exactly this many objects (failed PUTs are
 *     retried) instead of running for {@code duration}; the other phases stay timed
 */
public record BenchOptions(String command, List<Target> targets, String accessKey,
    String secretKey, String region, String bucket, int threads, List<Long> sizes, Set<Phase> phases,
    Duration duration, Duration warmup, Duration prewarm, Set<Phase> prewarmPhases, int rounds,
    boolean pathStyle, boolean checksum, String jsonPath, boolean keep, String key, Duration expires, long objects) {

  /** The option summary printed by {@code --help} and after an invalid option. */
  public static final String USAGE = """
      usage: java -jar needlestack-bench.jar [run|presign] [options]
        --target [LABEL=]URL[@PID]  endpoint under test (repeat: the first is compared with the
                                  second; PID: server process whose RSS is sampled per phase)
        --endpoint URL            same as --target URL;  --label NAME names it
        --access-key KEY --secret-key KEY   (default: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)
        --region us-east-1  --bucket needlestack-bench
        --threads 8               concurrent client threads
        --sizes 4KiB,64KiB,1MiB,64MiB
        --phases put,get,mixed,list,delete
        --duration 10s            each timed phase;  --warmup 5s per target and size (0: none)
        --prewarm 0               untimed PUT, GET and mixed load of this length per phase on
                                  every target in turn before the timed rounds, sizes up to 1 MiB
                                  (warms the servers and this client's JIT alike)
        --prewarm-phases put,get,mixed   the phases of --prewarm
        --rounds 1                rounds per size, targets alternating (ABBA order)
        --virtual-host            virtual-host addressing (default: path style)
        --checksum                SDK request checksums (CRC32 trailer; off: only when required)
        --json FILE               write the results as JSON
        --keep                    leave the objects in place
        --objects N               each PUT phase writes exactly N objects, however long it takes
                                  (the other phases stay timed); e.g. a million objects stored
      presign: --key KEY --sizes 4KiB --expires 1h  uploads one object, prints a GET URL
      """;

  /**
   * Parses a command line; environment values ({@code AWS_ACCESS_KEY_ID}, ...) fill in what is
   * missing.
   *
   * @throws InvalidOptionException when an option is unknown, lacks its value or is out of range
   */
  public static BenchOptions parse(String[] args, Map<String, String> env) {
    List<String> a = new ArrayList<>(List.of(args));
    String command = "run";
    if (!a.isEmpty() && !a.get(0).startsWith("-")) {
      command = a.remove(0);
      if (!command.equals("run") && !command.equals("presign")) {
        throw new InvalidOptionException("unknown command '" + command + "' (run, presign)");
      }
    }
    List<String> targetTexts = new ArrayList<>();
    String label = null;
    String accessKey = env.get("AWS_ACCESS_KEY_ID");
    String secretKey = env.get("AWS_SECRET_ACCESS_KEY");
    String region = env.getOrDefault("AWS_REGION", "us-east-1");
    String bucket = "needlestack-bench";
    int threads = 8;
    List<Long> sizes = List.of(4L << 10, 64L << 10, 1L << 20, 64L << 20);
    Set<Phase> phases = EnumSet.allOf(Phase.class);
    Duration duration = Duration.ofSeconds(10);
    Duration warmup = Duration.ofSeconds(5);
    Duration prewarm = Duration.ZERO;
    Set<Phase> prewarmPhases = EnumSet.of(Phase.PUT, Phase.GET, Phase.MIXED);
    int rounds = 1;
    boolean pathStyle = true;
    boolean checksum = false;
    String json = null;
    boolean keep = false;
    String key = "bench/presigned-object";
    Duration expires = Duration.ofHours(1);
    long objects = 0;
    for (int i = 0; i < a.size(); i++) {
      String opt = a.get(i);
      switch (opt) {
        case "--virtual-host" -> pathStyle = false;
        case "--path-style" -> pathStyle = true;
        case "--checksum" -> checksum = true;
        case "--no-checksum" -> checksum = false;
        case "--keep" -> keep = true;
        case "-h", "--help" -> throw new InvalidOptionException("help");
        default -> {
          if (!opt.startsWith("--")) {
            throw new InvalidOptionException("unexpected argument '" + opt + "'");
          }
          if (i + 1 >= a.size()) {
            throw new InvalidOptionException(opt + " needs a value");
          }
          String v = a.get(++i);
          switch (opt) {
            case "--target", "--endpoint" -> targetTexts.add(v);
            case "--label" -> label = v;
            case "--access-key" -> accessKey = v;
            case "--secret-key" -> secretKey = v;
            case "--region" -> region = v;
            case "--bucket" -> bucket = v;
            case "--threads" -> threads = positiveInt(opt, v);
            case "--sizes" -> sizes = parseSizes(v);
            case "--phases" -> phases = parsePhases(v);
            case "--duration" -> duration = Quantities.parseDuration(v);
            case "--warmup" -> warmup = Quantities.parseDuration(v);
            case "--prewarm" -> prewarm = Quantities.parseDuration(v);
            case "--prewarm-phases" -> prewarmPhases = parsePhases(v);
            case "--rounds" -> rounds = positiveInt(opt, v);
            case "--json" -> json = v;
            case "--key" -> key = v;
            case "--expires" -> expires = Quantities.parseDuration(v);
            case "--objects" -> objects = positiveInt(opt, v);
            default -> throw new InvalidOptionException("unknown option " + opt);
          }
        }
      }
    }
    if (targetTexts.isEmpty()) {
      throw new InvalidOptionException("no endpoint: give --target URL (or --endpoint URL)");
    }
    List<Target> targets = new ArrayList<>();
    Set<String> labels = new LinkedHashSet<>();
    for (String t : targetTexts) {
      Target target = Target.parse(t);
      if (label != null && targetTexts.size() == 1) {
        target = new Target(label, target.endpoint(), target.rssPid());
      }
      if (!labels.add(target.label())) {
        throw new InvalidOptionException("two targets are labelled '" + target.label() + "'");
      }
      targets.add(target);
    }
    if (accessKey == null || secretKey == null) {
      throw new InvalidOptionException(
          "no credentials: give --access-key and --secret-key (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
    }
    if (duration.isZero()) {
      throw new InvalidOptionException("--duration must be above zero");
    }
    return new BenchOptions(command, List.copyOf(targets), accessKey, secretKey, region, bucket,
        threads, sizes, phases, duration, warmup, prewarm, prewarmPhases, rounds, pathStyle, checksum,
        json, keep, key, expires, objects);
  }

  private static int positiveInt(String opt, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidOptionException(opt + " needs a positive whole number, not '" + v + "'");
  }

  private static List<Long> parseSizes(String v) {
    TreeSet<Long> sizes = new TreeSet<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        sizes.add(Quantities.parseSize(s));
      }
    }
    if (sizes.isEmpty()) {
      throw new InvalidOptionException("--sizes names no size");
    }
    return List.copyOf(sizes);
  }

  private static Set<Phase> parsePhases(String v) {
    EnumSet<Phase> phases = EnumSet.noneOf(Phase.class);
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        phases.add(Phase.parse(s));
      }
    }
    if (phases.isEmpty()) {
      throw new InvalidOptionException("--phases names no phase");
    }
    if ((phases.contains(Phase.GET) || phases.contains(Phase.MIXED) || phases.contains(Phase.DELETE)
        || phases.contains(Phase.LIST)) && !phases.contains(Phase.PUT)) {
      // GET, mixed, list and delete work on the objects the PUT phase wrote.
      phases.add(Phase.PUT);
    }
    return phases;
  }
}
