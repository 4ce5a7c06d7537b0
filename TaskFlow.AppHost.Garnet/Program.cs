using System.Runtime.InteropServices;
using Garnet;

// Microsoft Garnet, a Redis-compatible server, set up to keep data as the local profile's redis-server does. The
// AppHost adds where it listens and where the data goes (--port, --bind, --checkpointdir).
string[] redisServerLike =
[
    // Every write goes to the append-only file (committed per operation) and is replayed, after the latest
    // checkpoint, at start.
    "--aof", "--recover",
    // Beyond this size the file is folded into a checkpoint, so it does not grow without bound.
    "--aof-size-limit", "64m",
    // Managed file I/O: Garnet's default (native) device needs libaio, which a Debian 12 machine lacks unless installed.
    "--device-type", "RandomAccess",
    // A development data set: 16 MB of hash index holds about a million keys before it overflows (the default
    // 128 MB took 260 MB of memory instead of 146, and every checkpoint writes the whole index).
    "--index", "16m",
    // The services' Lua scripts (the reminder claim) must run atomically, as Redis runs every script.
    "--lua", "true", "--lua-transaction-mode", "true",
];

using var server = new GarnetServer([.. redisServerLike, .. args]);
server.Start();

// Until the AppHost stops it (SIGTERM) or Ctrl+C: then the server is disposed, closing its files, before the process ends.
var stopped = new TaskCompletionSource();
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
await stopped.Task;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopped.TrySetResult();
}
