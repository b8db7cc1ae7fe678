using CashApp.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages.Admin;

/// <summary>People who may sign in (admins only): the list, and adding a person.</summary>
public sealed class UsersModel : PageModel
{
    [TempData]
    public string? Message { get; set; }

    internal IReadOnlyList<StoredUser> People { get; private set; } = [];

    internal string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        People = await HttpContext.RequestServices.GetRequiredService<WorklistActions>().Worklist.ListUsersAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAsync(string? name, string? role, string? password, CancellationToken cancellationToken)
    {
        var worklist = HttpContext.RequestServices.GetRequiredService<WorklistActions>().Worklist;
        var problem = UserRules.Check(name, role, password);
        if (problem is null && !await worklist.AddUserAsync(name!.Trim(), role!, SignInService.Hash(name.Trim(), role!, password!), WorklistWeb.Person(User).Name, cancellationToken).ConfigureAwait(false))
        {
            problem = $"There is already a person named '{name}'.";
        }

        if (problem is not null)
        {
            Error = problem;
            People = await worklist.ListUsersAsync(cancellationToken).ConfigureAwait(false);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        Message = $"Added {name!.Trim()} ({role}).";
        return Redirect("/admin/users");
    }
}
