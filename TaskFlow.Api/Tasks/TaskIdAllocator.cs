using Microsoft.EntityFrameworkCore;
using TaskFlow.Api.Data;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// Hands out task ids from blocks reserved from the <c>task_ids</c> sequence, so a new task knows its id (which its
/// <c>task.created</c> event carries) before the insert without a round trip of its own. Ids stay unique across
/// replicas; a restart leaves the rest of its block unused, a gap as a rolled-back insert leaves one.
/// </summary>
public sealed class TaskIdAllocator
{
    private const int BlockSize = 50;

    private readonly Lock _gate = new();
    private readonly Queue<int> _reserved = new();
    private readonly SemaphoreSlim _refill = new(1, 1);

    public async Task<int> NextAsync(ApiDbContext db, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_reserved.TryDequeue(out var id)) return id;
            }
            await _refill.WaitAsync(cancellationToken);
            try
            {
                // Another caller may have refilled while this one waited.
                bool empty;
                lock (_gate) empty = _reserved.Count == 0;
                if (!empty) continue;
                // Raw SQL of constants only: nextval takes the sequence's name as a literal.
                var block = await db.Database
                    .SqlQueryRaw<long>($"SELECT nextval('{ApiDbContext.TaskIdSequence}') AS \"Value\" FROM generate_series(1, {BlockSize})")
                    .ToListAsync(cancellationToken);
                lock (_gate)
                {
                    foreach (var reserved in block.Order()) _reserved.Enqueue(checked((int)reserved));
                }
            }
            finally
            {
                _refill.Release();
            }
        }
    }
}
