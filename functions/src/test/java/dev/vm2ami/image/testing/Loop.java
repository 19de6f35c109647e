package dev.vm2ami.image.testing;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file attached to a loop device for LVM's tools (which only take block devices), detached on
 * close. LVM commands run with activation off (there is no device-mapper here, and nothing needs
 * activating), no backups, and only this device visible, so they touch nothing else on the machine.
 */
public final class Loop implements AutoCloseable {
    private static final String CONFIG = "global { activation = 0 } backup { backup = 0 archive = 0 } devices { use_devicesfile = 0 }";
    private final Path dir;
    public final String device;

    private Loop(Path dir, String device) {
        this.dir = dir;
        this.device = device;
    }

    /** Attaches {@code file}; skips the test when loop devices are not available (not root, a container without them). */
    public static Loop attach(Path dir, Path file) throws Exception {
        Tools.require("losetup");
        Tools.Result r = Tools.tryRun(dir, null, "losetup", "-f", "--show", file.toString());
        assumeTrue(r.ok() && r.output().startsWith("/dev/loop"), "no loop device for the LVM tools (needs root): skipped. " + r.output());
        return new Loop(dir, r.output().trim());
    }

    /** Runs an LVM command on this device only. */
    public String lvm(String... args) throws Exception {
        String[] cmd = new String[args.length + 4];
        cmd[0] = args[0];
        cmd[1] = "--config";
        cmd[2] = CONFIG;
        cmd[3] = "--devices";
        cmd[4] = device;
        System.arraycopy(args, 1, cmd, 5, args.length - 1);
        // Without device-mapper every command warns that activation is off; the rest is the answer.
        return Tools.run(dir, cmd).lines().filter(l -> !l.trim().startsWith("WARNING:")).map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
    }

    @Override
    public void close() throws Exception {
        Tools.run(dir, "losetup", "-d", device);
    }
}
