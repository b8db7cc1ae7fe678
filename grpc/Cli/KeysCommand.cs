using System.CommandLine;
using CashApp.Grpc.Security;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp keys add</c>: makes an API key for <c>cashapp serve</c>.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "The key's role: " + string.Join(", ", Roles.Names) + ".", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.Names]);
        var file = new Option<FileInfo>("--file") { Description = "The key file to append the key's SHA-256 hash and role to (created if missing).", Required = true };
        var add = new Command("add", "Make a random API key, print it once on standard output, and append only its SHA-256 hash and role to the key file.")
        {
            role, file,
        };
        add.SetAction(async (parse, cancellationToken) =>
        {
            if (!Roles.TryParse(parse.GetValue(role)!, out var parsed))
            {
                // AcceptOnlyFromAmong has refused it already; this keeps the two lists honest.
                throw new InvalidOperationException("Unknown role " + parse.GetValue(role));
            }

            var path = parse.GetValue(file)!.FullName;
            var key = ApiKeyRing.NewKey();
            await AppendAsync(path, ApiKeyRing.FileLine(key, parsed), cancellationToken).ConfigureAwait(false);

            // The key alone on standard output, so that a script can capture it; it is never shown again.
            await Console.Out.WriteLineAsync(key).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"cashapp keys: added a key with role {Roles.Name(parsed)} to {path}; keep the key above, it is not stored.").ConfigureAwait(false);
            return 0;
        });

        return new Command("keys", "Manage the API keys of cashapp serve.") { add };
    }

    private static async Task AppendAsync(string path, string line, CancellationToken cancellationToken)
    {
        var exists = File.Exists(path);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows() && !exists)
        {
            // Hashes are not secrets, but who may add keys is: only the owner writes the file.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        if (!exists)
        {
            await writer.WriteLineAsync("# cashapp API keys: SHA256-HEX ROLE, one per line (made by 'cashapp keys add').".AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
