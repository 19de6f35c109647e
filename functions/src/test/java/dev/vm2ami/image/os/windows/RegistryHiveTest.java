package dev.vm2ami.image.os.windows;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.sampleimages.HiveBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry hive reader against hives from the test builder, which hivexget (libhivex-bin) confirms. */
class RegistryHiveTest {
    private static final String CURRENT_VERSION = "Microsoft\\Windows NT\\CurrentVersion";

    @TempDir
    Path dir;

    private static RegistryHive open(byte[] hive) throws Exception {
        return RegistryHive.open(BlockDevice.of(hive), ReadBudget.standard());
    }

    private static byte[] software(HiveBuilder.ListKind lists) {
        HiveBuilder b = new HiveBuilder().lists(lists);
        for (int i = 0; i < 40; i++) b.key("Microsoft\\Product" + i).string("Name", "product " + i);
        return b.key(CURRENT_VERSION).string("ProductName", "Windows Server 2022 Datacenter").string("CurrentBuild", "20348")
                .string("EditionID", "ServerDatacenter").string("InstallationType", "Server").dword("CurrentMajorVersionNumber", 10)
                .binary("Big", Trees.pattern(4, 40_000)).done().build();
    }

    @ParameterizedTest(name = "subkey lists {0}")
    @EnumSource(HiveBuilder.ListKind.class)
    void readsCurrentVersionThroughEveryKindOfSubkeyList(HiveBuilder.ListKind lists) throws Exception {
        RegistryHive hive = open(software(lists));
        RegistryHive.Key cv = hive.key(CURRENT_VERSION).orElseThrow();
        assertThat(hive.value(cv, "ProductName").flatMap(RegistryHive.Value::string)).contains("Windows Server 2022 Datacenter");
        assertThat(hive.value(cv, "currentbuild").flatMap(RegistryHive.Value::string)).as("case-insensitive").contains("20348");
        assertThat(hive.value(cv, "CurrentMajorVersionNumber").flatMap(RegistryHive.Value::number)).contains(10L);
        assertThat(hive.value(cv, "Big").orElseThrow().data()).as("big data in segments").isEqualTo(Trees.pattern(4, 40_000));
        assertThat(hive.value(cv, "Missing")).isEmpty();
        assertThat(hive.key("microsoft\\windows nt\\currentversion")).isPresent();
        assertThat(hive.key("Microsoft\\Product39").flatMap(k -> {
            try {
                return hive.value(k, "Name").flatMap(RegistryHive.Value::string);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        })).contains("product 39");
        assertThat(hive.key("Microsoft\\Nothing")).isEmpty();
        assertThat(hive.subkeyNames(hive.key("Microsoft").orElseThrow(), 100)).hasSize(41);
        assertThat(hive.dirty()).isFalse();
    }

    /** Counts the reads made through it. */
    private static final class Counting implements BlockDevice {
        private final BlockDevice inner;
        int reads;

        Counting(byte[] bytes) {
            this.inner = BlockDevice.of(bytes);
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public byte[] read(long offset, int length) throws java.io.IOException, StructureException {
            reads++;
            return inner.read(offset, length);
        }
    }

    @ParameterizedTest(name = "subkey lists {0}")
    @EnumSource(value = HiveBuilder.ListKind.class, names = {"LH", "LF"})
    void findsAKeyAmongHundredsByItsListHintWithoutReadingTheOthers(HiveBuilder.ListKind lists) throws Exception {
        HiveBuilder b = new HiveBuilder().lists(lists);
        for (int i = 0; i < 300; i++) b.key("Microsoft\\Component" + i).string("Name", "c" + i);
        byte[] bytes = b.key("Microsoft\\windows nt\\CurrentVersion").string("ProductName", "Windows").done().build();
        Counting hinted = new Counting(bytes);
        RegistryHive hive = RegistryHive.open(hinted, ReadBudget.standard());
        assertThat(hive.key("Microsoft\\Windows NT\\CurrentVersion")).as("hints compare case-insensitively").isPresent();
        assertThat(hinted.reads).as("reads with " + lists + " hints").isLessThan(30);

        HiveBuilder li = new HiveBuilder().lists(HiveBuilder.ListKind.LI);
        for (int i = 0; i < 300; i++) li.key("Microsoft\\Component" + i).string("Name", "c" + i);
        Counting unhinted = new Counting(li.key("Microsoft\\windows nt\\CurrentVersion").done().build());
        assertThat(RegistryHive.open(unhinted, ReadBudget.standard()).key("Microsoft\\Windows NT\\CurrentVersion")).isPresent();
        assertThat(unhinted.reads).as("an li list has no hints: every key is read").isGreaterThan(300);
    }

    @Test
    void hivexReadsWhatTheBuilderWrites() throws Exception {
        Tools.require("hivexget");
        Path file = Files.write(dir.resolve("SOFTWARE"), software(HiveBuilder.ListKind.RI));
        assertThat(Tools.run(dir, "hivexget", file.toString(), CURRENT_VERSION, "ProductName").trim()).isEqualTo("Windows Server 2022 Datacenter");
        assertThat(Tools.run(dir, "hivexget", file.toString(), "Microsoft\\Product7", "Name").trim()).isEqualTo("product 7");
        assertThat(Tools.run(dir, "hivexget", file.toString(), CURRENT_VERSION, "CurrentMajorVersionNumber").trim()).isEqualTo("10");
    }

    @Test
    void aBaseBlockWithAWrongChecksumIsCorrupt() {
        byte[] hive = software(HiveBuilder.ListKind.LH);
        hive[100] ^= 1;
        assertThatThrownBy(() -> open(hive)).isInstanceOfSatisfying(StructureException.class,
                e -> assertThat(e.getMessage()).contains("checksum"));
    }

    @Test
    void mutatedHivesGiveAnswersOrStructureExceptionsOnly() throws Exception {
        byte[] original = software(HiveBuilder.ListKind.RI);
        Random random = new Random(11);
        int answered = 0;
        for (int i = 0; i < 500; i++) {
            byte[] mutant = original.clone();
            for (int f = 1 + random.nextInt(8); f > 0; f--) {
                int at = 4096 + random.nextInt(mutant.length - 4096);
                mutant[at] = (byte) (random.nextInt(3) == 0 ? 0xFF : random.nextInt(256));
            }
            try {
                RegistryHive hive = open(mutant);
                for (String name : new String[]{"Microsoft", "Microsoft\\Product3", CURRENT_VERSION}) {
                    var key = hive.key(name);
                    if (key.isPresent()) {
                        hive.subkeyNames(key.get(), 100);
                        hive.value(key.get(), "ProductName");
                        hive.value(key.get(), "Big");
                    }
                }
                answered++;
            } catch (StructureException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(answered).as("most mutants still answer").isGreaterThan(25);
    }
}
