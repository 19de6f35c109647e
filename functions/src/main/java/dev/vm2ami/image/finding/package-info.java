/**
 * What inspection reports, in one catalogue ({@link dev.vm2ami.image.finding.FindingCode}: severity,
 * message and fix of every code). The lowest layer of the image library, because parsers at every
 * layer (a truncated read, a damaged VMDK, a bad GPT CRC) turn what they find into findings.
 */
package dev.vm2ami.image.finding;
