using Kiln.Diagnostics;

namespace Kiln.Tests.Diagnostics;

/// <summary>A block keeps what its flow outputs and writes it at once (a redo's messages together, as ninja's).</summary>
public sealed class OutputBlockTests
{
    [Fact]
    public async Task What_a_flow_outputs_in_a_block_is_written_together_when_it_ends_while_other_flows_write_at_once()
    {
        var output = new StringWriter();
        var log = new DiagnosticLog(output);
        var inBlock = new SemaphoreSlim(0);
        var otherWrote = new SemaphoreSlim(0);

        var redo = Task.Run(async () =>
        {
            using (log.BeginBlock())
            {
                log.Inform("first of the block");
                inBlock.Release();
                await otherWrote.WaitAsync(TestContext.Current.CancellationToken);
                log.WriteVerbatim("helper output");
                log.Inform("last of the block");
                Assert.Equal("I other flow\n", output.ToString());
            }
        }, TestContext.Current.CancellationToken);
        await inBlock.WaitAsync(TestContext.Current.CancellationToken);
        log.Inform("other flow");
        otherWrote.Release();
        await redo;

        Assert.Equal("I other flow\nI first of the block\nhelper output\nI last of the block\n", output.ToString());
    }

    [Fact]
    public void A_block_in_a_block_goes_to_the_outer_one_and_an_empty_block_writes_nothing()
    {
        var output = new StringWriter();
        var log = new DiagnosticLog(output);

        using (log.BeginBlock())
        {
            using (log.BeginBlock())
                log.Inform("inner");
            using (log.BeginBlock())
            {
            }
            Assert.Equal("", output.ToString());
        }

        Assert.Equal("I inner\n", output.ToString());
    }
}
