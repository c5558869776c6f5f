package io.tracemark.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracemark.examples.demo.Seeds;
import io.tracemark.verifier.InheritanceResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's hand-off end to end at a reduced size: the simulated campaign tenant is flagged,
 * its replay list is written, and the student trained on the owner's answers to that tenant is
 * caught by that tenant's key and no other.
 */
class MonitorEndToEndTest {
  @Test
  void theCampaignTenantIsFlaggedAndOnlyItsKeyCatchesTheStudent(@TempDir Path dir) throws IOException {
    StringWriter text = new StringWriter();
    MonitorEndToEnd.Outcome o = MonitorEndToEnd.run(MonitorEndToEnd.Config.reduced(3), dir,
        new PrintWriter(text, true), 2);
    // the monitor flags the campaign and hands off its tenant
    assertThat(o.cluster()).as(text.toString()).isNotNull();
    assertThat(o.campaignFlagged()).isGreaterThanOrEqualTo(o.campaignAccounts() * 9 / 10);
    assertThat(o.handoffTenants()).containsExactly(o.campaignTenant());
    // its replay list is on disk, one query per line, as tracemark plan writes it
    List<String> lines = Files.readAllLines(o.replayFile(), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(o.replayQueries()).hasSizeGreaterThanOrEqualTo(60);
    assertThat(new ObjectMapper().readTree(lines.get(0)).get("prompt").asText()).isNotBlank();
    // the owner's answers carry the tenant's watermark
    assertThat(o.teacherCheck().verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    // the student is caught by the campaign tenant's key alone, among the master and every tenant key
    InheritanceResult s = o.student();
    assertThat(o.tenantsTested()).isGreaterThan(100);
    assertThat(s.keys()).hasSize(o.tenantsTested() + 1);
    assertThat(s.verdict()).isEqualTo(InheritanceResult.Verdict.DETECTED);
    assertThat(s.best().label()).isEqualTo(o.campaignTenant());
    assertThat(o.significantKeys()).containsExactly(o.campaignTenant());
    // under H0 each other key's p-value is uniform: with about 130 keys, the smallest is above 1e-4
    // with probability above 98%, and the seed is fixed
    assertThat(s.keys().stream().filter(k -> !k.label().equals(o.campaignTenant()))
        .mapToDouble(InheritanceResult.KeyResult::log10P).min().orElseThrow()).isGreaterThan(-4);
    // the master key's secret never appears in the narration
    assertThat(text.toString()).doesNotContain(HexFormat.of().formatHex(Seeds.demoKey(3).secretBytes()));
  }
}
