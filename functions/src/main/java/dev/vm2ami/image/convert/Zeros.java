package dev.vm2ami.image.convert;

/** A block of zeros, never written to: what known-zero parts of a raw output are written from. */
final class Zeros {
    static final byte[] BLOCK = new byte[64 * 1024];

    private Zeros() {}
}
