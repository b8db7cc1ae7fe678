using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>cashapp.v1.Reports: how well cash is applied, and what is left.</summary>
internal sealed class ReportsService(ICashStore store) : V1.Reports.ReportsBase
{
    public override async Task<V1.SummaryResponse> Summary(V1.SummaryRequest request, ServerCallContext context) =>
        ProtoMap.ToProto(await store.GetSummaryAsync(context.CancellationToken).ConfigureAwait(false));
}
