package dev.vm2ami.local.cli;

import dev.vm2ami.image.convert.Converter;
import dev.vm2ami.image.convert.Target;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.Sizes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.convert.ImageConversion;
import dev.vm2ami.convert.Location;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./vm2ami convert}: the pipeline's converter, on a local file. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Convert a disk image EC2 does not take into one it does, on this machine: the converter the pipeline runs "
                        + "before importing (see the README's \"Conversion\").",
                "",
                "Reads qcow2 (v2/v3, compressed clusters, no backing file, not encrypted), VDI (dynamic, fixed), VMDK "
                        + "(monolithicSparse, twoGbMaxExtentSparse and flat disks: give the descriptor, its extents beside it) and raw, "
                        + "each optionally gzip-, xz- or zstd-compressed; writes a stream-optimized VMDK (what ImportImage takes) "
                        + "or a raw disk."},
        footerHeading = "%nExit status:%n",
        footer = {"  0  converted",
                "  1  the image cannot be converted (the finding says why and what to do)",
                "  2  usage error, or reading or writing failed",
                "",
                "Examples:",
                "  ./vm2ami convert disk.qcow2                  # writes disk.qcow2.vmdk",
                "  ./vm2ami convert --format raw disk.vdi disk.raw",
                "  ./vm2ami convert --json web.img.xz"})
final class ConvertCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--format", paramLabel = "vmdk|raw", description = "What to write: vmdk (stream-optimized, the default) or raw.")
    String format = "vmdk";

    @Option(names = "--threads", paramLabel = "N", description = "Threads deflating VMDK grains (default: one per processor).")
    Integer threads;

    @Option(names = "--json", description = "Print the result as one JSON object (from, to, bytesRead, bytesWritten, seconds...).")
    boolean json;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to convert (for a split VMDK, its descriptor).")
    Path image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OUTPUT", description = "Where to write (default: IMAGE.vmdk or IMAGE.raw beside it).")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target target = switch (format.toLowerCase(Locale.ROOT)) {
            case "vmdk" -> Target.VMDK;
            case "raw" -> Target.RAW;
            default -> null;
        };
        if (target == null) {
            err.println("vm2ami convert: --format is vmdk or raw, not " + format);
            return 2;
        }
        if (!Files.isRegularFile(image) || !Files.isReadable(image)) {
            err.println("vm2ami convert: " + image + ": no such readable file");
            return 2;
        }
        Path to = output != null ? output : image.resolveSibling(image.getFileName() + "." + target.extension());
        Converter.Options options = Converter.Options.defaults(target);
        if (threads != null) options = options.withThreads(threads);
        ImageConversion.Result r;
        try {
            r = new ImageConversion().convert(new ImageConversion.Request(Location.parse(image.toString()),
                    Location.parse(to.toString()), null, options));
        } catch (ConversionException e) {
            if (json) out.println(JSON.createObjectNode().set("error", JSON.valueToTree(e.finding())));
            else {
                out.printf("%s: cannot be converted%n  %-7s %s: %s%n          fix: %s%n", image, e.finding().severity(), e.finding().code(),
                        e.finding().message(), e.finding().fix());
            }
            return 1;
        }
        if (json) {
            out.println(JSON.writeValueAsString(r));
        } else {
            out.printf(Locale.ROOT, "%s: %s -> %s %s%n  %s disk; read %s, wrote %s in %.1f s (%.0f MB/s of disk)%n", image, r.from(), r.to(), to,
                    Sizes.human(r.virtualSize(), "B"), Sizes.human(r.bytesRead(), "B"), Sizes.human(r.bytesWritten(), "B"), r.seconds(),
                    r.virtualSize() / 1e6 / Math.max(r.seconds(), 1e-3));
        }
        return 0;
    }
}
