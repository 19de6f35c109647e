package dev.vm2ami.local.cli;

import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.local.demo.DemoImages;
import dev.vm2ami.sampleimages.SampleImages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/** {@code ./vm2ami sample-image}: a small disk image that imports, for trying the pipeline. */
@Command(name = "sample-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a small disk image that the pipeline imports: a 4 MiB raw disk with an MBR partition table and "
                + "an ext4 file system holding an Ubuntu 22.04 root (the demo's linux-server.raw). With --32-bit, the demo's "
                + "legacy-appliance.raw instead: a 32-bit Debian 8 that the pre-flight check rejects.",
                "",
                "Your own images work the same way: export the VM's boot disk as OVA, VMDK (stream-optimized), VHD, VHDX or "
                        + "raw (e.g. qemu-img convert -O raw vm.qcow2 disk.raw), and ./vm2ami check it first."},
        footerHeading = "%nExit status:%n",
        footer = {"  0  written", "  2  usage error: FILE exists, or cannot be written",
                "", "Example:", "  ./vm2ami sample-image disk.raw && ./vm2ami check disk.raw"})
final class SampleImageCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--32-bit", description = "Write the 32-bit Debian 8 disk the pre-flight check rejects (LINUX_32_BIT).")
    boolean thirtyTwoBit;

    @Parameters(paramLabel = "FILE", description = "Where to write the image (e.g. disk.raw); an existing file is not overwritten.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] image = thirtyTwoBit ? DemoImages.legacyAppliance() : SampleImages.rawWithLinuxPartition(4 << 20);
        try {
            Files.write(file, image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            err.println("vm2ami sample-image: " + file + ": exists (not overwritten)");
            return 2;
        } catch (IOException e) {
            err.println("vm2ami sample-image: " + file + ": cannot write: " + e.getMessage());
            return 2;
        }
        out.printf("%s: %s raw disk, %s%n", file, Sizes.human(image.length, "B"),
                thirtyTwoBit ? "32-bit Debian 8 on ext4 (the pre-flight check rejects it)" : "Ubuntu 22.04 on ext4 (imports)");
        return 0;
    }
}
