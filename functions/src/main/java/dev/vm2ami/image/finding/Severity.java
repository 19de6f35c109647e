package dev.vm2ami.image.finding;

public enum Severity {
    INFO, WARNING, ERROR
}
