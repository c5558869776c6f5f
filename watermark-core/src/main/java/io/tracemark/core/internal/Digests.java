package io.tracemark.core.internal;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The one place where tracemark computes a SHA-256 of a domain tag and data, or an HMAC-SHA256:
 * key ids, control keys, the demo key, vLLM's derived keys, commitments. A domain tag is given
 * verbatim (US-ASCII) and hashed first; tracemark's own tags end with a NUL byte
 * ({@code "tracemark/control-key/v1\0"}), so no tag is a prefix of another tag's input. Bouncy
 * Castle's digests, so that no checked exception for a missing JDK algorithm leaks into callers.
 * Stateless and thread-safe. Not API: an implementation helper of tracemark's modules, which may
 * change. (The api module's {@code WatermarkKey} computes its own id and commitment with the JDK,
 * because the api has no dependency; the core tests check that both agree.)
 */
public final class Digests {
  private Digests() {}

  /** Length of a SHA-256 digest in bytes. */
  public static final int SHA256_LENGTH = 32;

  /** SHA-256 of the domain tag's US-ASCII bytes followed by every part in order. */
  public static byte[] sha256(String domain, byte[]... parts) {
    SHA256Digest d = new SHA256Digest();
    byte[] tag = domain.getBytes(StandardCharsets.US_ASCII);
    d.update(tag, 0, tag.length);
    for (byte[] p : parts) {
      d.update(p, 0, p.length);
    }
    byte[] out = new byte[SHA256_LENGTH];
    d.doFinal(out, 0);
    return out;
  }

  /** HMAC-SHA256 keyed by {@code key} over the domain tag's US-ASCII bytes followed by every part in order. */
  public static byte[] hmacSha256(byte[] key, String domain, byte[]... parts) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    byte[] tag = domain.getBytes(StandardCharsets.US_ASCII);
    mac.update(tag, 0, tag.length);
    for (byte[] p : parts) {
      mac.update(p, 0, p.length);
    }
    byte[] out = new byte[SHA256_LENGTH];
    mac.doFinal(out, 0);
    return out;
  }
}
