namespace TaskFlow.AppHost;

/// <summary>
/// Postgres writes every log line to stderr, which the dashboard shows as an error. Run through this, its ordinary
/// lines (LOG, INFO, NOTICE, WARNING, DEBUG) go to stdout and only ERROR, FATAL and PANIC (with the DETAIL, HINT and
/// STATEMENT lines that follow them) stay on stderr. bash execs postgres, so postgres keeps the process id the
/// AppHost stops; the line loop reading its stderr ends when postgres does.
/// </summary>
public static class PostgresLogRouting
{
    // A line's severity follows the default log_line_prefix "%m [%p] "; continuation lines (DETAIL, HINT, STATEMENT,
    // CONTEXT) carry the prefix too and keep the severity of the line they belong to. A read loop, not awk: mawk
    // buffers a pipe's input and would hold lines back until a block fills.
    private const string Router =
        "error=0; while IFS= read -r line; do case \"$line\" in " +
        "*'] ERROR:'*|*'] FATAL:'*|*'] PANIC:'*) error=1 ;; " +
        "*'] LOG:'*|*'] INFO:'*|*'] NOTICE:'*|*'] WARNING:'*|*'] DEBUG'*) error=0 ;; esac; " +
        "if [ $error = 1 ]; then printf '%s\\n' \"$line\" >&2; else printf '%s\\n' \"$line\"; fi; done";

    public static (string Command, IReadOnlyList<string> Args) Wrap(string command, IReadOnlyList<string> args) =>
        ("/bin/bash", ["-c", $"exec \"$0\" \"$@\" 2> >({Router})", command, .. args]);
}
