package io.tracemark.api;

/**
 * An immutable specification of a watermark scheme: everything but the key and the vocabulary.
 *
 * <p>Specifications have a compact text form such as {@code kgw:gamma=0.25,delta=2,h=1} which is
 * what the command line takes and what reports record; {@link #canonical()} gives it with every
 * parameter spelled out in a fixed order.
 */
public interface SchemeSpec {
  /** The scheme family, e.g. {@code kgw}. */
  String family();

  /** The canonical text form, every parameter spelled out, in a fixed order. */
  String canonical();
}
