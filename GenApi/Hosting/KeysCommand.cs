using GenApi.Auth;
using GenApi.Worker.Storage;

namespace GenApi.Hosting;

/// <summary><c>GenApi keys create --team NAME [--admin]</c>: makes a key against the configured store, prints it, exits.</summary>
public static class KeysCommand
{
    public static bool Matches(string[] args) => args is ["keys", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var team = args.SkipWhile(a => a != "--team").Skip(1).FirstOrDefault();
        if (args is not ["keys", "create", ..] || team is null || !ApiKeys.IsValidTeam(team))
        {
            Console.Error.WriteLine("usage: GenApi keys create --team NAME [--admin]   (NAME: 1-64 letters, digits, '-', '_')");
            return 2;
        }
        await app.Services.GetRequiredService<SqlJobStore>().MigrateAsync();
        var (id, key) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync(team, args.Contains("--admin"));
        Console.WriteLine($"{key}\t(id {id}, team {team}{(args.Contains("--admin") ? ", admin" : "")}; shown once)");
        return 0;
    }
}
