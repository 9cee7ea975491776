package io.oobwatch.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completions and the man page the packages carry, generated from the jar's command model, used
 * the way a person does: TAB in a real bash (the completion function called as bash calls it), the
 * page rendered by man.
 */
class CompletionAndManPageTest {
  @TempDir Path dir;

  /** A file of the unpacked tarball (the .deb holds the same files). */
  static Path shipped(String name) throws Exception {
    return Built.unpacked().resolve(name);
  }

  /** What bash offers on TAB after {@code line} (the last word is the one being completed). */
  List<String> complete(String line) throws Exception {
    String script = """
        source "$1" 2>/dev/null
        read -ra COMP_WORDS <<< "$2"
        [[ "$2" == *' ' ]] && COMP_WORDS+=('')
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}
        _complete_oobwatch oobwatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
        printf '%s\\n' "${COMPREPLY[@]}"
        """;
    Sh.Result r = Sh.run(dir, "bash", "--norc", "-c", script, "bash",
        shipped("oobwatch.bash-completion").toString(), line).ok();
    return PackagesTest.lines(r.output());
  }

  @Test
  void bashCompletesASubcommandFromItsFirstLetters() throws Exception {
    assertThat(complete("oobwatch st")).containsExactly("status");
    assertThat(complete("oobwatch pa")).containsExactly("page-test");
  }

  @Test
  void bashListsEverySubcommandAfterTheProgramName() throws Exception {
    assertThat(complete("oobwatch ")).contains("run", "validate", "check", "status", "ack", "demo", "page-test", "silence");
  }

  @Test
  void bashListsTheOptionsOfTheSubcommandBeingTyped() throws Exception {
    assertThat(complete("oobwatch check --")).contains("--pipeline", "--json", "--config", "--help")
        .doesNotContain("--url");
    assertThat(complete("oobwatch validate --")).contains("--json", "--config");
    assertThat(complete("oobwatch status --")).contains("--url");
  }

  @Test
  void theBashCompletionRegistersOnlyTheCommandItself() throws Exception {
    Sh.Result r = Sh.run(dir, "bash", "--norc", "-c", "source \"$1\"; complete -p", "bash",
        shipped("oobwatch.bash-completion").toString()).ok();
    assertThat(PackagesTest.lines(r.output())).containsExactly("complete -o default -F _complete_oobwatch oobwatch");
  }

  @Test
  void theZshCompletionIsAnAutoloadableFunctionZshCanParse() throws Exception {
    Sh.need("zsh", "the zsh completion is parsed by a real zsh");
    assertThat(PackagesTest.lines(Files.readString(shipped("_oobwatch"))).get(0))
        .isEqualTo("#compdef oobwatch");
    Sh.run(dir, "zsh", "-n", shipped("_oobwatch").toString()).ok();
  }

  @Test
  void manRendersTheManPageWithEverySubcommandAndItsOptions() throws Exception {
    Sh.need("man", "man-db renders the page as man oobwatch would");
    Sh.Result r = Sh.run(dir, Map.of("MANWIDTH", "100"), "man", "-l",
        shipped("oobwatch.1.gz").toString()).ok();
    String page = r.output();
    assertThat(page).startsWith("OOBWATCH(1)").contains("NAME", "SYNOPSIS", "COMMANDS")
        .contains("OOBWATCH RUN", "OOBWATCH CHECK", "OOBWATCH VALIDATE", "OOBWATCH STATUS")
        .contains("--pipeline=NAME", "--json")
        .doesNotContain("xref:", "warning", "<standard input>");
  }
}
