package dev.vm2ami.inspect;

public enum Severity {
    INFO, WARNING, ERROR
}
