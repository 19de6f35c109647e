package dev.vm2ami.local.demo;

import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.wiring.NotificationAttributes;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The demo's sample images: small, with real headers, built in memory. */
public final class DemoImages {
    public static final String PREFIX = "demo/";

    private DemoImages() {}

    public static List<DemoImage> all() {
        byte[] linux = SampleImages.rawWithLinuxPartition(4 << 20);
        return List.of(
                new DemoImage(PREFIX + "linux-server.raw", "raw disk, MBR, one ext4 partition", linux, null,
                        NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "web server (vSphere).vmdk", "stream-optimized VMDK, a key with spaces",
                        SampleImages.streamOptimizedVmdkHeader(8192), null, NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "flaky-conversion.raw", "EC2 fails the first conversion (ServerError)", linux,
                        "server-error-once", NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "custom-kernel.raw", "EC2 finds no OS it knows (Unknown OS)", linux, "unknown-os",
                        NotificationAttributes.FAILED),
                new DemoImage(PREFIX + "workstation.vmdk", "monolithicSparse VMDK from VMware Workstation",
                        SampleImages.monolithicSparseVmdkHeader(8192), null, NotificationAttributes.REJECTED),
                new DemoImage(PREFIX + "notes.vhd", "a text file named .vhd",
                        "Meeting notes: migrate the web tier in wave 2.\n".getBytes(StandardCharsets.UTF_8), null,
                        NotificationAttributes.REJECTED));
    }
}
