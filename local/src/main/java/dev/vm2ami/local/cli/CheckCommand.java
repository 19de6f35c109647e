package dev.vm2ami.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.os.OsFacts;
import dev.vm2ami.image.partition.PartitionTypes;
import dev.vm2ami.image.read.FileRangeReader;
import dev.vm2ami.image.verdict.BootMode;
import dev.vm2ami.image.verdict.DiskInfo;
import dev.vm2ami.image.verdict.ImageInspector;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.image.verdict.ImportPaths;
import dev.vm2ami.image.verdict.InspectionReport;
import dev.vm2ami.image.verdict.InspectionRequest;
import dev.vm2ami.image.verdict.PartitionInfo;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.inspect.ImageObjects;
import dev.vm2ami.inspect.S3ImageObjects;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ./vm2ami check}: the pipeline's pre-flight inspection, on local files or S3 objects (ranged GETs). */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Say, in seconds, whether EC2 VM import would take each disk image, and what to change if not.",
                "",
                "Reads a few blocks of each file (never the whole image): detects the format from the bytes (OVA, VMDK, "
                        + "VHD, VHDX, raw; qcow2, VDI, sparse and split VMDK and gzip/xz/zstd, which vm2ami converts; ISO, other archives and text), checks "
                        + "the container (stream-optimized VMDK, differencing VHD, OVA descriptor and disk count, checksums), "
                        + "then reads the boot disk through it: partition table (MBR/GPT), file systems, boot loader against "
                        + "the boot mode, and size limits (< 16 TiB; > 8 TiB needs a manifest); then the operating system inside "
                        + "(ext2/3/4, XFS, NTFS, FAT and LVM are read): distribution and version, architecture, kernels, boot "
                        + "loader, /etc/fstab, ENA and NVMe drivers, Windows' version from its registry, against what VM import "
                        + "takes. This is the check the pipeline runs before it calls ImportImage.",
                "",
                "Verdicts: ACCEPT (nothing found that import fails on), WARN (importable, with a risk worth fixing), "
                        + "CONVERT (EC2 does not take the format, vm2ami converts it: qcow2, VDI, sparse or split VMDK, gzip/xz/zstd), "
                        + "REJECT (EC2 VM import would fail: the pipeline does not import it)."},
        footerHeading = "%nExit status:%n",
        footer = {"  0  no file is rejected (ACCEPT, WARN or CONVERT)",
                "  1  at least one file is rejected",
                "  2  usage error: a file is missing or unreadable (every other file is still checked), or an option is wrong",
                "",
                "Examples:",
                "  ./vm2ami check server.ova",
                "  ./vm2ami check --boot-mode uefi --json disks/*.vmdk | jq 'select(.verdict != \"ACCEPT\")'",
                "  ./vm2ami check --json disk.raw | jq .os        # the OS found: distribution, version, architecture, kernels, ...",
                "  ./vm2ami check --list-codes"})
final class CheckCommand implements Callable<Integer> {

    @Option(names = "--boot-mode", paramLabel = "MODE", converter = BootModeConverter.class,
            description = "The boot mode the import will request: legacy-bios or uefi. Without it, the check detects the one the disk boots with (legacy-bios when it boots both ways), as the pipeline does.")
    BootMode bootMode;

    @Option(names = "--import-mode", paramLabel = "MODE",
            description = "The image's importMode: image (ImportImage), snapshot (ImportSnapshot + RegisterImage) or auto (default: the path the pipeline picks, the snapshot path for a cloud-ready image ImportImage would refuse).")
    String importMode = ImportPaths.AUTO;

    @Option(names = "--json", description = "Print one JSON object per file per line (file, format, verdict, bootMode, importPath, cloudReady, os, findings, partitions, disks, virtualSize, bytesRead, rangeRequests) instead of text.")
    boolean json;

    @Option(names = "--list-codes", description = "Print the catalogue of finding codes (severity, message, fix) as a Markdown table and exit.")
    boolean listCodes;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Disk images to check (.ova, .vmdk, .vhd, .vhdx, .raw, .img, .qcow2, .vdi, .gz, .xz, .zst, or anything else: the bytes decide): local files, or S3 objects as s3://BUCKET/KEY, read by ranged GETs as the pipeline reads them (credentials and region: the SDK's defaults, or the options below).")
    List<String> files = new ArrayList<>();

    @CommandLine.Mixin
    AccountOptions account = new AccountOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listCodes) {
            printCodes(out);
            return 0;
        }
        importMode = importMode.toLowerCase(java.util.Locale.ROOT);
        if (!ImportPaths.MODES.contains(importMode)) {
            err.println("vm2ami check: --import-mode must be image, snapshot or auto, was '" + importMode + "'");
            return 2;
        }
        if (files.isEmpty()) {
            err.println("vm2ami check: give at least one FILE (see ./vm2ami check --help)");
            return 2;
        }
        ImageInspector inspector = new ImageInspector();
        boolean rejected = false;
        List<String> unreadable = new ArrayList<>();
        S3Client s3 = null;
        try {
            // Every file gets its verdict; one that cannot be read is named (with the path looked at) and skipped.
            for (String name : files) {
                long started = System.nanoTime();
                InspectionReport report;
                Optional<S3Location> location = S3Location.parse(name);
                if (S3Location.is(name) && location.isEmpty()) {
                    err.println("vm2ami check: " + name + ": not an S3 location (s3://BUCKET/KEY)");
                    err.flush();
                    unreadable.add(name);
                    continue;
                }
                if (location.isPresent()) {
                    if (s3 == null) s3 = account.configure(S3Client.builder().forcePathStyle(account.endpointUrl != null)).build();
                    S3ImageObjects objects = new S3ImageObjects(s3);
                    ImportJob.SourceObject source = new ImportJob.SourceObject(location.get().bucket(), location.get().key(),
                            null, null, null, null, null);
                    Optional<ImageObjects.Head> head = objects.head(source);
                    if (head.isEmpty()) {
                        err.println("vm2ami check: " + name + ": no such object (or no permission to read it)");
                        err.flush();
                        unreadable.add(name);
                        continue;
                    }
                    report = inspector.inspect(objects.reader(source, head.get().size()),
                            new InspectionRequest(location.get().fileName(), bootMode, objects.extents(source)));
                } else {
                    Path f = Path.of(name);
                    String problem = !Files.exists(f) ? "no such file" : Files.isDirectory(f) ? "is a directory"
                            : !Files.isReadable(f) ? "not readable" : null;
                    if (problem != null) {
                        err.println("vm2ami check: " + f + ": " + problem + lookedAt(f));
                        err.flush();
                        unreadable.add(name);
                        continue;
                    }
                    try (FileRangeReader reader = new FileRangeReader(f)) {
                        report = inspector.inspect(reader, new InspectionRequest(f.getFileName().toString(), bootMode,
                                ExtentFiles.beside(f.toAbsolutePath().getParent())));
                    } catch (IOException e) {
                        err.println("vm2ami check: " + f + ": cannot read: " + e.getMessage() + lookedAt(f));
                        err.flush();
                        unreadable.add(name);
                        continue;
                    }
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                // The path the pipeline would take, and the findings as they stand for it.
                ImportPaths.Decision path = ImportPaths.decide(importMode, report.findings(), report.os(),
                        report.bootMode().map(BootMode::value).orElse(null));
                Verdict verdict = report.verdict() == Verdict.CONVERT && path.verdict() != Verdict.REJECT ? Verdict.CONVERT : path.verdict();
                report = report.withFindings(path.findings(), verdict);
                rejected |= report.verdict() == Verdict.REJECT;
                if (json) out.println(json(name, report, path));
                else human(out, name, report, path, millis);
                out.flush();
            }
        } finally {
            if (s3 != null) s3.close();
        }
        if (!unreadable.isEmpty()) {
            err.printf("vm2ami check: %d of %d files could not be checked: %s%n", unreadable.size(), files.size(),
                    String.join(", ", unreadable));
            return 2;
        }
        return rejected ? 1 : 0;
    }

    /** The absolute path, when the argument was relative: which directory it was resolved against. */
    private static String lookedAt(Path f) {
        return f.isAbsolute() ? "" : " (looked for " + f.toAbsolutePath().normalize() + ")";
    }

    private static String json(String file, InspectionReport r, ImportPaths.Decision path) {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", file);
        o.put("format", r.format().name());
        o.put("verdict", r.verdict().name());
        o.put("bootMode", r.bootMode().map(BootMode::value).orElse(null));
        o.put("importPath", path.path().value());
        o.put("cloudReady", path.cloudReady());
        o.set("os", r.os().map(os -> osJson(os, r.findings())).orElse(null));
        ArrayNode findings = o.putArray("findings");
        for (Finding f : r.findings()) {
            findings.addObject().put("severity", f.severity().name()).put("code", f.code()).put("message", f.message()).put("fix", f.fix());
        }
        ArrayNode partitions = o.putArray("partitions");
        for (PartitionInfo p : r.partitions()) {
            partitions.addObject().put("index", p.index()).put("scheme", p.scheme()).put("type", p.type())
                    .put("offset", p.offset()).put("size", p.size()).put("fileSystem", p.fileSystem()).put("bootable", p.bootable());
        }
        ArrayNode disks = o.putArray("disks");
        for (DiskInfo d : r.disks()) {
            disks.addObject().put("name", d.name()).put("format", d.format().name()).put("subformat", d.subformat())
                    .put("virtualSize", d.virtualSize());
        }
        r.conversion().ifPresent(c -> o.putObject("conversion").put("from", c.from()).put("to", c.to()));
        o.put("virtualSize", r.virtualSize());
        o.put("bytesRead", r.bytesRead());
        o.put("rangeRequests", r.rangeRequests());
        return o.toString();
    }

    /** The os object, as the notification carries it, with the fstab findings' codes in its fstab. */
    private static JsonNode osJson(OsFacts os, List<Finding> findings) {
        ObjectNode node = Json.MAPPER.valueToTree(os);
        if (node.get("fstab") instanceof ObjectNode fstab) {
            ArrayNode codes = fstab.putArray("findings");
            findings.stream().map(Finding::code).filter(c -> c.startsWith("FSTAB_")).forEach(codes::add);
        }
        return node;
    }

    private static void human(PrintWriter out, String file, InspectionReport r, ImportPaths.Decision path, long millis) {
        out.printf("%s: %s%n", file, r.verdict());
        for (DiskInfo d : r.disks()) {
            out.printf("  %s%s%s%s%n", r.disks().size() > 1 ? "disk " + d.name() + ": " : "format: ", d.format(),
                    d.subformat().isEmpty() ? "" : " (" + d.subformat() + ")", d.virtualSize() > 0 ? ", " + size(d.virtualSize()) : "");
        }
        if (r.disks().isEmpty()) out.printf("  format: %s%n", r.format());
        r.conversion().ifPresent(c -> out.printf("  conversion: %s -> %s%s%n", c.from(), c.to(),
                r.verdict() == Verdict.CONVERT ? " (./vm2ami convert " + file + " does it here)" : ""));
        for (PartitionInfo p : r.partitions()) {
            out.printf("  partition %d: %s %s, %s at %s, %s%s%n", p.index(), p.scheme(), PartitionTypes.describe(p.type()),
                    size(p.size()), size(p.offset()), p.fileSystem(), p.bootable() ? ", bootable" : "");
        }
        r.os().ifPresent(os -> human(out, os));
        if (r.systems().size() > 1) out.printf("  (and %d more operating systems, see the findings)%n", r.systems().size() - 1);
        r.bootMode().ifPresent(m -> out.printf("  boot mode: %s%n", m.value()));
        if (r.verdict() != Verdict.REJECT) {
            out.printf("  import path: %s%s%n", path.path() == ImportPath.SNAPSHOT ? "snapshot (ImportSnapshot + RegisterImage)"
                    : "image (ImportImage)", path.cloudReady() ? "; cloud-ready" : "");
        }
        for (Finding f : r.findings()) {
            out.printf("  %-7s %s: %s%n", f.severity(), f.code(), f.message());
            out.printf("          fix: %s%n", f.fix());
        }
        out.printf("  (read %s in %d request%s, %d ms)%n", size(r.bytesRead()), r.rangeRequests(), r.rangeRequests() == 1 ? "" : "s", millis);
    }

    private static void human(PrintWriter out, OsFacts os) {
        out.printf("  os: %s%s, %s, on %s%n", os.name() != null ? os.name() : os.distribution(),
                os.version() != null && (os.name() == null || !os.name().contains(os.version())) ? " (" + os.version() + ")" : "",
                os.architecture(), os.root());
        if (os.linux()) {
            out.printf("      kernel%s %s; boot loader %s%s%n", os.kernels().size() == 1 ? "" : "s",
                    os.kernels().isEmpty() ? "none found" : String.join(", ", os.kernels()), os.bootloader(),
                    os.efiLoaders().isEmpty() ? "" : "; ESP: " + String.join(", ", os.efiLoaders()));
            String root = os.fstab().root().map(e -> "root by " + e.reference().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                    .orElse(os.fstab().present() ? "no root entry" : "missing");
            out.printf("      fstab: %s; drivers: ENA %s, NVMe %s%n", root, os.drivers().ena() ? "yes" : "no", os.drivers().nvme() ? "yes" : "no");
        } else {
            out.printf("      edition %s, %s; boot loader %s%s%n", os.edition(), os.installationType(), os.bootloader(),
                    os.efiLoaders().isEmpty() ? "" : "; ESP: " + String.join(", ", os.efiLoaders()));
        }
    }

    private static void printCodes(PrintWriter out) {
        out.println("| Code | Severity | Means | Fix |");
        out.println("| --- | --- | --- | --- |");
        for (FindingCode c : FindingCode.values()) {
            out.printf("| `%s` | %s | %s | %s |%n", c.name(), c.severity(), cell(c.messageTemplate()), cell(c.fixTemplate()));
        }
    }

    private static String cell(String template) {
        return template.replaceAll("%(\\d\\$)?[sd]", "…").replace("|", "\\|");
    }

    private static String size(long bytes) {
        return Sizes.human(bytes, "B");
    }

    static final class BootModeConverter implements CommandLine.ITypeConverter<BootMode> {
        @Override
        public BootMode convert(String value) {
            try {
                return BootMode.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException("boot mode must be legacy-bios or uefi"));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
