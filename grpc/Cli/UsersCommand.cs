using System.CommandLine;
using System.Text;
using CashApp.Grpc.Web;
using CashApp.Store;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp users add</c>: makes a person who signs in to the worklist page.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The person's sign-in name (also their name as assignee).", Required = true };
        var role = new Option<string>("--role") { Description = "specialist or admin.", Required = true };
        role.AcceptOnlyFromAmong([.. PersonRoles.Names]);
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (for scripts), instead of asking for it without echo." };
        var db = new Option<FileInfo?>("--db") { Description = "The SQLite database file (default cashapp.db)." };
        var sqlServer = new Option<string?>("--sqlserver") { Description = "A SQL Server connection string, instead of SQLite." };
        var add = new Command("add", "Add a person with a password, stored only as ASP.NET Core Identity's salted hash.")
        {
            name, role, passwordStdin, db, sqlServer,
        };
        add.SetAction(async (parse, cancellationToken) =>
        {
            var who = parse.GetValue(name)!.Trim();
            var what = parse.GetValue(role)!;
            string? password;
            if (parse.GetValue(passwordStdin))
            {
                password = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (Console.IsInputRedirected)
            {
                await Console.Error.WriteLineAsync("cashapp users: standard input is not a terminal; pass --password-stdin to read the password from it.").ConfigureAwait(false);
                return 2;
            }
            else
            {
                password = ReadWithoutEcho("Password: ");
                var again = ReadWithoutEcho("Again: ");
                if (!string.Equals(password, again, StringComparison.Ordinal))
                {
                    await Console.Error.WriteLineAsync("cashapp users: the two passwords differ; nothing was added.").ConfigureAwait(false);
                    return 2;
                }
            }

            if (UserRules.Check(who, what, password) is { } problem)
            {
                await Console.Error.WriteLineAsync("cashapp users: " + problem).ConfigureAwait(false);
                return 2;
            }

            var location = new StoreLocation { SqlitePath = parse.GetValue(db)?.FullName ?? StoreLocation.DefaultSqlitePath, SqlServerConnectionString = parse.GetValue(sqlServer) };
            var store = await CashStores.OpenAsync(location, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                var actor = "cli:" + Environment.UserName;
                if (!await ((IWorklistStore)store).AddUserAsync(who, what, SignInService.Hash(who, what, password!), actor, cancellationToken).ConfigureAwait(false))
                {
                    await Console.Error.WriteLineAsync($"cashapp users: there is already a person named '{who}'; nothing was added.").ConfigureAwait(false);
                    return 1;
                }
            }

            await Console.Error.WriteLineAsync($"cashapp users: added {who} ({what}).").ConfigureAwait(false);
            return 0;
        });

        return new Command("users", "Manage the people who sign in to the worklist page (cashapp serve --web-urls).") { add };
    }

    private static string ReadWithoutEcho(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
