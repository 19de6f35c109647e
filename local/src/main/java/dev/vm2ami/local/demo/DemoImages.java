package dev.vm2ami.local.demo;

import dev.vm2ami.sampleimages.ConvertibleImages;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.Ext4Builder;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import dev.vm2ami.wiring.NotificationAttributes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The demo's sample images: small, with real headers, built in memory. */
public final class DemoImages {
    public static final String PREFIX = "demo/";

    /** The manifest of the image the demo shares and copies: every distribution option but the source's deletion. */
    public static final String DISTRIBUTED = """
            {"shareWith": {"accounts": ["111122223333"]}, "copyToRegions": ["eu-west-1"],
             "ssmParameter": "/images/{stem}/latest", "deprecateAfterDays": 90, "imdsSupport": "v2.0",
             "sourceDisposition": "tag"}""";

    /**
     * The demo's stack configuration (what {@code ./vm2ami up --config} reads from a file): a Lambda threshold
     * between its qcow2 (576 KiB of clusters: converted in Lambda) and its VDI (2 MiB of blocks: converted as an
     * AWS Batch job), so the demo runs both conversion engines.
     */
    public static final long CONVERSION_LAMBDA_MAX_BYTES = 1 << 20;

    private DemoImages() {}

    public static Map<String, Object> settings() {
        return Map.of("conversionLambdaMaxBytes", CONVERSION_LAMBDA_MAX_BYTES);
    }

    /** An MBR disk whose ext4 holds a 32-bit (i386) Debian 8: the pre-flight's OS inspection rejects it. */
    public static byte[] legacyAppliance() {
        String uuid = "0a1b2c3d-0000-4000-8000-0000000000a8";
        return DiskBuilder.mbr(4 << 20).partition("0x83", 3 << 20,
                Ext4Builder.build(LinuxRoot.debian8i386(uuid), 3 << 20, UUID.fromString(uuid), "appliance")).build().toByteArray();
    }

    public static List<DemoImage> all() {
        byte[] linux = SampleImages.rawWithLinuxPartition(4 << 20);
        SparseImage disk = SparseImage.of(linux);
        return List.of(
                new DemoImage(PREFIX + "linux-server.raw", "Ubuntu 22.04; manifest: share, copy to eu-west-1", linux, null,
                        NotificationAttributes.SUCCEEDED, DISTRIBUTED),
                new DemoImage(PREFIX + "web server (vSphere).vmdk", "stream-optimized VMDK, a key with spaces",
                        SampleImages.streamOptimizedVmdkHeader(8192), null, NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "flaky-conversion.raw", "EC2 fails the first conversion (ServerError)", linux,
                        "server-error-once", NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "graviton-debian.raw", "arm64 Debian 12, UEFI, cloud-ready: the snapshot path",
                        SampleImages.arm64DebianUefi(), null, NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "custom-kernel.raw", "EC2 says Unknown OS (injected): retried as a snapshot", linux, "unknown-os",
                        NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "kvm-guest.qcow2", "qcow2 from KVM: converted in Lambda, then imported",
                        ConvertibleImages.qcow2(disk, false).toByteArray(), null, NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "virtualbox.vdi", "VirtualBox VDI over 1 MiB: converted on AWS Batch",
                        ConvertibleImages.vdi(disk).toByteArray(), null, NotificationAttributes.SUCCEEDED),
                new DemoImage(PREFIX + "legacy-appliance.raw", "a 32-bit Debian 8 inside: VM import takes 64-bit Linux only",
                        legacyAppliance(), null, NotificationAttributes.REJECTED),
                new DemoImage(PREFIX + "workstation.vmdk", "monolithicSparse VMDK from VMware Workstation",
                        SampleImages.monolithicSparseVmdkHeader(8192), null, NotificationAttributes.REJECTED),
                new DemoImage(PREFIX + "notes.vhd", "a text file named .vhd",
                        "Meeting notes: migrate the web tier in wave 2.\n".getBytes(StandardCharsets.UTF_8), null,
                        NotificationAttributes.REJECTED));
    }
}
