using System.Diagnostics;
using CashApp.Grpc.Web;
using CashApp.Store;
using Microsoft.AspNetCore.Identity;

namespace CashApp.Web.Tests;

/// <summary><c>cashapp users add</c> run as a process, the password on standard input.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cashapp-users-").FullName;

    private string DbPath => Path.Combine(_folder, "cashapp.db");

    [Fact]
    public async Task Add_PasswordFromStdin_StoresOnlyAHashThatVerifies()
    {
        var (code, error) = await RunAsync(WebFixture.Password + "\n", "users", "add", "--name", "dana", "--role", "admin", "--password-stdin", "--db", DbPath);

        Assert.True(code == 0, error);
        await using var store = await CashStores.OpenSqliteAsync(DbPath, TimeProvider.System);
        var user = await ((IWorklistStore)store).FindUserAsync("dana");
        Assert.Equal("admin", user!.Role);
        Assert.DoesNotContain(WebFixture.Password, user.PasswordHash, StringComparison.Ordinal);
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<WebUser>().VerifyHashedPassword(new WebUser("dana", "admin"), user.PasswordHash, WebFixture.Password));
        Assert.Equal(PasswordVerificationResult.Failed, new PasswordHasher<WebUser>().VerifyHashedPassword(new WebUser("dana", "admin"), user.PasswordHash, WebFixture.Password + "x"));
    }

    [Fact]
    public async Task Add_ShortPasswordOrTakenName_IsRefused()
    {
        var (shortCode, shortError) = await RunAsync("short\n", "users", "add", "--name", "erin", "--role", "specialist", "--password-stdin", "--db", DbPath);
        var (firstCode, _) = await RunAsync(WebFixture.Password + "\n", "users", "add", "--name", "erin", "--role", "specialist", "--password-stdin", "--db", DbPath);
        var (againCode, againError) = await RunAsync(WebFixture.Password + "\n", "users", "add", "--name", "erin", "--role", "admin", "--password-stdin", "--db", DbPath);

        Assert.Equal((2, 0, 1), (shortCode, firstCode, againCode));
        Assert.Contains("at least 12 characters", shortError, StringComparison.Ordinal);
        Assert.Contains("already a person named 'erin'", againError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_UnknownRole_IsRefusedByTheParser()
    {
        var (code, error) = await RunAsync(WebFixture.Password + "\n", "users", "add", "--name", "fay", "--role", "treasury", "--password-stdin", "--db", DbPath);

        Assert.NotEqual(0, code);
        Assert.Contains("treasury", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Error)> RunAsync(string input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cashapp.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error + await output);
    }
}
