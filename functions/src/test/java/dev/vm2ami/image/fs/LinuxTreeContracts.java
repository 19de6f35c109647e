package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.StructureException;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.sampleimages.Elf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every Linux file-system reader must read from {@link Trees#linuxLike}, whichever tool wrote it. */
final class LinuxTreeContracts {
    private LinuxTreeContracts() {}

    static void check(Volume v) throws Exception {
        assertThat(new String(v.readFile("/etc/os-release", 4096).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo(Trees.OS_RELEASE);
        assertThat(v.readFile("/bin/bash", 64).orElseThrow()).as("through /bin -> usr/bin").isEqualTo(Elf.header(Elf.X86_64, 64));
        assertThat(v.readLink("/bin")).contains("usr/bin");
        assertThat(v.lookup("/etc/alternatives/sh").orElseThrow().kind()).as("absolute link").isEqualTo(Volume.Kind.FILE);
        assertThat(v.readFile("/usr/share/up/os-release", 100)).as("relative link with ..").isPresent();
        assertThat(v.readFile("/../../etc/./os-release", 100)).as("the root's parent is the root").isPresent();
        assertThat(v.readFile("/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/amazon/ena/ena.ko", 100)).isPresent();
        assertThat(v.readLink("/etc/long-link")).as("a link longer than 60 bytes")
                .contains("/usr/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/amazon/ena/ena.ko");
        assertThat(v.readFile("/etc/long-link", 100).map(b -> new String(b, StandardCharsets.UTF_8))).contains("ena module");
        assertThat(v.lookup("/dangling")).isEmpty();
        assertThat(v.lookupNoFollow("/dangling").orElseThrow().kind()).isEqualTo(Volume.Kind.SYMLINK);
        assertThat(v.lookup("/etc/os-release/more")).as("a file is no directory").isEmpty();
        assertThat(v.lookup("/no/such/file")).isEmpty();
        assertThatThrownBy(() -> v.lookup("/loop1")).isInstanceOfSatisfying(StructureException.class,
                e -> assertThat(e.kind()).isEqualTo(StructureException.Kind.LIMIT));

        Volume.Listing etc = v.list("/etc", 100).orElseThrow();
        assertThat(etc.names()).containsExactlyInAnyOrder("os-release", "fstab", "alternatives", "long-link");
        assertThat(etc.truncated()).isFalse();
        Volume.Listing one = v.list("/etc", 1).orElseThrow();
        assertThat(one.entries()).hasSize(1);
        assertThat(one.truncated()).isTrue();
        assertThat(v.list("/etc/os-release", 10)).isEmpty();

        byte[] big = Trees.pattern(99, 3 * 1024 * 1024 + 123);
        Volume.Node file = v.lookup("/big/file").orElseThrow();
        assertThat(file.size()).isEqualTo(big.length);
        assertThat(v.read(file, 0, big.length)).isEqualTo(big);
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            int from = random.nextInt(big.length);
            int len = random.nextInt(20000);
            assertThat(v.read(file, from, len)).isEqualTo(Arrays.copyOfRange(big, from, Math.min(big.length, from + len)));
        }
    }
}
