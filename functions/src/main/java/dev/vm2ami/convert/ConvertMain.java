package dev.vm2ami.convert;

import dev.vm2ami.image.convert.Converter;
import dev.vm2ami.image.convert.ImageOpener;
import dev.vm2ami.image.convert.Target;
import dev.vm2ami.image.finding.ConversionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vm2ami.job.Json;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The converter's one entry point, for a shell, a container (the batch engine) and tests:
 * <pre>
 *   java -cp ... dev.vm2ami.convert.ConvertMain --from s3://bucket/images/web.qcow2 [--to s3://bucket/converted/web.qcow2.vmdk]
 *        [--format vmdk|raw] [--source-version ID] [--prefix converted/] [--threads N] [--temp-dir DIR] [--max-disk-bytes N]
 * </pre>
 * Prints one JSON line: the result ({@code from}, {@code to}, {@code bucket}, {@code key}, {@code bytesRead},
 * {@code bytesWritten}, {@code seconds}...), or {@code {"error": {code, message, fix}}}. Exit status 0 when
 * converted, 2 when the image cannot be converted (a finding: retrying will not help), 1 when something
 * else failed (S3, the disk: worth a retry), 64 for a wrong command line.
 */
public final class ConvertMain {
    static final int CONVERTED = 0;
    static final int FAILED = 1;
    static final int REFUSED = 2;
    static final int USAGE = 64;
    public static final String DEFAULT_PREFIX = "converted/";

    private ConvertMain() {}

    public static void main(String[] args) {
        System.exit(run(args, new ImageConversion(), System.out, System.err));
    }

    static int run(String[] args, ImageConversion conversion, PrintStream out, PrintStream err) {
        ImageConversion.Request request;
        try {
            request = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("convert: " + e.getMessage());
            err.println("usage: ConvertMain --from s3://bucket/key|FILE [--to s3://bucket/key|FILE] [--format vmdk|raw]"
                    + " [--source-version ID] [--prefix converted/] [--threads N] [--temp-dir DIR] [--max-disk-bytes N]");
            return USAGE;
        }
        try {
            out.println(json(conversion.convert(request)));
            return CONVERTED;
        } catch (ConversionException e) {
            out.println(json(Map.of("error", e.finding())));
            err.println("convert: " + request.from() + " cannot be converted: " + e.finding().message());
            return REFUSED;
        } catch (Exception e) {
            Map<String, String> error = new LinkedHashMap<>();
            error.put("code", "CONVERSION_FAILED");
            error.put("message", "Converting " + request.from() + " failed: " + e.getMessage());
            out.println(json(Map.of("error", error)));
            err.println("convert: " + error.get("message"));
            return FAILED;
        }
    }

    static ImageConversion.Request parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        List<String> known = List.of("--from", "--to", "--format", "--source-version", "--prefix", "--threads", "--temp-dir",
                "--max-disk-bytes", "--max-temp-bytes");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String name = rest.remove(0);
            if (!known.contains(name)) throw new IllegalArgumentException("unknown option " + name);
            if (rest.isEmpty()) throw new IllegalArgumentException(name + " needs a value");
            o.put(name, rest.remove(0));
        }
        if (!o.containsKey("--from")) throw new IllegalArgumentException("--from is required");
        Location from = Location.parse(o.get("--from"));
        Target target = switch (o.getOrDefault("--format", "vmdk").toLowerCase(Locale.ROOT)) {
            case "vmdk" -> Target.VMDK;
            case "raw" -> Target.RAW;
            default -> throw new IllegalArgumentException("--format is vmdk or raw, not " + o.get("--format"));
        };
        Location to = o.containsKey("--to") ? Location.parse(o.get("--to"))
                : from.converted(o.getOrDefault("--prefix", DEFAULT_PREFIX), target.extension());
        Converter.Options options = Converter.Options.defaults(target);
        if (o.containsKey("--threads")) options = options.withThreads(number(o, "--threads").intValue());
        if (o.containsKey("--max-disk-bytes")) options = options.withMaxVirtualSize(number(o, "--max-disk-bytes"));
        ImageOpener.Options open = options.open();
        if (o.containsKey("--temp-dir")) open = new ImageOpener.Options(Path.of(o.get("--temp-dir")), open.maxTempBytes());
        if (o.containsKey("--max-temp-bytes")) open = new ImageOpener.Options(open.tempDir(), number(o, "--max-temp-bytes"));
        return new ImageConversion.Request(from, to, o.get("--source-version"), options.withOpen(open));
    }

    private static Long number(Map<String, String> o, String name) {
        try {
            return Long.parseLong(o.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a number, not " + o.get(name));
        }
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
