namespace TaskFlow.AppHost;

/// <summary>
/// How the local profile runs postgres: through bash, which does two things postgres alone would not.
/// <list type="bullet">
/// <item>Log lines: postgres writes every one to stderr, which the dashboard shows as an error. Its ordinary lines (LOG,
/// INFO, NOTICE, WARNING, DEBUG) go to stdout and only ERROR, FATAL and PANIC (with the DETAIL, HINT and STATEMENT
/// lines that follow them) stay on stderr. The line loop reading its stderr ends when postgres does.</item>
/// <item>Stopping: the orchestrator stops a process with SIGTERM, which postgres takes as a "smart" shutdown: no new
/// sessions, but the open ones go on until their clients close them, and the services' pooled sessions stay open for
/// minutes. Postgres then kept serving for ~30 s after Stop, until the orchestrator killed it. bash passes SIGTERM
/// (and SIGINT) on as SIGINT, a "fast" shutdown: sessions are ended, the data is checkpointed, postgres exits within
/// a second, as a user pressing Stop expects.</item>
/// </list>
/// The orchestrator's process is bash; it exits with postgres' exit status.
/// </summary>
public static class PostgresLauncher
{
    // A line's severity follows the default log_line_prefix "%m [%p] "; continuation lines (DETAIL, HINT, STATEMENT,
    // CONTEXT) carry the prefix too and keep the severity of the line they belong to. A read loop, not awk: mawk
    // buffers a pipe's input and would hold lines back until a block fills.
    private const string Router =
        "error=0; while IFS= read -r line; do case \"$line\" in " +
        "*'] ERROR:'*|*'] FATAL:'*|*'] PANIC:'*) error=1 ;; " +
        "*'] LOG:'*|*'] INFO:'*|*'] NOTICE:'*|*'] WARNING:'*|*'] DEBUG'*) error=0 ;; esac; " +
        "if [ $error = 1 ]; then printf '%s\\n' \"$line\" >&2; else printf '%s\\n' \"$line\"; fi; done";

    // A trapped signal interrupts `wait` (its status is then over 128): wait again until postgres has exited. Postgres
    // sets its own SIGINT handler, so the signal reaches it although bash starts background commands with SIGINT ignored.
    private const string Script =
        "\"$0\" \"$@\" 2> >(" + Router + ") & pid=$!; " +
        "trap 'kill -INT \"$pid\" 2>/dev/null' TERM INT; " +
        "while :; do wait \"$pid\"; status=$?; kill -0 \"$pid\" 2>/dev/null || break; done; " +
        "exit $status";

    public static (string Command, IReadOnlyList<string> Args) Wrap(string command, IReadOnlyList<string> args) =>
        ("/bin/bash", ["-c", Script, command, .. args]);
}
