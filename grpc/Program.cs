using CashApp.Grpc.Cli;

return await CashAppCommand.InvokeAsync(args).ConfigureAwait(false);
