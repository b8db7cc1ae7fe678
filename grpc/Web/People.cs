using CashApp.Store;
using Microsoft.AspNetCore.Identity;

namespace CashApp.Grpc.Web;

/// <summary>A person as the password hasher sees them.</summary>
internal sealed record WebUser(string Name, string Role);

/// <summary>The roles a person may have; machines have API keys with the other roles.</summary>
internal static class PersonRoles
{
    public const string Specialist = "specialist";
    public const string Admin = "admin";

    public static IReadOnlyList<string> Names { get; } = [Specialist, Admin];
}

/// <summary>How a sign-in ended.</summary>
internal enum SignInOutcome
{
    SignedIn,
    Refused,
    LockedOut,
}

/// <summary>
/// Checks a name and password with ASP.NET Core Identity's password hasher (PBKDF2, per-user salt, the
/// format upgraded on the next sign-in when its parameters grow). After <see cref="MaxFailures"/> failures
/// in a row the person is locked out for <see cref="LockoutTime"/>, right password or not.
/// </summary>
internal sealed class SignInService(ICashStore store, TimeProvider clock)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);

    private static readonly PasswordHasher<WebUser> Hasher = new();

    // Verified against when the name is unknown, so that an unknown name takes as long as a wrong password.
    private static readonly string UnknownUserHash = Hasher.HashPassword(new WebUser("-", "-"), Guid.NewGuid().ToString());

    private readonly IWorklistStore _people = (IWorklistStore)store;

    /// <summary>The stored form of a password.</summary>
    public static string Hash(string name, string role, string password) => Hasher.HashPassword(new WebUser(name, role), password);

    public async Task<(SignInOutcome Outcome, StoredUser? User)> CheckAsync(string name, string password, CancellationToken cancellationToken)
    {
        var user = await _people.FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(new WebUser(name, "-"), UnknownUserHash, password);
            return (SignInOutcome.Refused, null);
        }

        var now = clock.GetUtcNow();
        if (user.LockedUntil is { } until && until > now)
        {
            return (SignInOutcome.LockedOut, null);
        }

        var verdict = Hasher.VerifyHashedPassword(new WebUser(user.Name, user.Role), user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            await _people.RecordSignInFailureAsync(user.Name, MaxFailures, now + LockoutTime, cancellationToken).ConfigureAwait(false);
            return (user.FailedSignIns + 1 >= MaxFailures ? SignInOutcome.LockedOut : SignInOutcome.Refused, null);
        }

        var rehashed = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hash(user.Name, user.Role, password) : null;
        await _people.RecordSignInSuccessAsync(user.Name, rehashed, cancellationToken).ConfigureAwait(false);
        return (SignInOutcome.SignedIn, user);
    }
}

/// <summary>What a new person's name, role and password must be: shared by the page and <c>cashapp users add</c>.</summary>
internal static class UserRules
{
    public const int MinPasswordLength = 12;

    /// <summary>Null when acceptable; otherwise what is wrong.</summary>
    public static string? Check(string? name, string? role, string? password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100 || name.Any(char.IsControl))
        {
            return "A name is 1 to 100 characters, without control characters.";
        }

        if (role is null || !PersonRoles.Names.Contains(role))
        {
            return $"A person's role is one of {string.Join(", ", PersonRoles.Names)}.";
        }

        return password is null || password.Length < MinPasswordLength
            ? $"A password has at least {MinPasswordLength} characters."
            : null;
    }
}
