using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TaskFlow.Workers.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the app (no database is contacted).</summary>
public sealed class WorkersDbContextFactory : IDesignTimeDbContextFactory<WorkersDbContext>
{
    public WorkersDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WorkersDbContext>()
            .UseNpgsql("Host=localhost;Database=workersdb")
            .UseSnakeCaseNamingConvention()
            .Options);
}
