using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.UnitTests.LiveUpdates;

/// <summary>The Kafka feed's position: the SSE event id clients hold, and how it moves.</summary>
public sealed class PartitionOffsetsTests
{
    [Fact]
    public void Its_text_is_the_next_offset_of_every_partition_in_order() =>
        Assert.Equal("0:13,1:5,2:8,3:0", new PartitionOffsets([13, 5, 8, 0]).ToString());

    [Fact]
    public void Its_text_reads_back_as_the_same_position()
    {
        Assert.True(PartitionOffsets.TryParse("0:13,1:5,2:8,3:0", out var position));

        Assert.Equal([13L, 5, 8, 0], Enumerable.Range(0, position.PartitionCount).Select(p => position[p]));
        Assert.Equal("0:13,1:5,2:8,3:0", position.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("1:5,0:13")]
    [InlineData("0:13,2:8")]
    [InlineData("0:13,")]
    [InlineData("0")]
    [InlineData("0:1:2")]
    [InlineData("0:x")]
    [InlineData("0:-1")]
    [InlineData("0:+1")]
    [InlineData("0: 1")]
    [InlineData("0:99999999999999999999")]
    public void Other_text_is_no_position(string? text) => Assert.False(PartitionOffsets.TryParse(text, out _));

    [Fact]
    public void Text_over_1000_characters_is_not_read()
    {
        var text = string.Join(',', Enumerable.Range(0, 100).Select(p => $"{p}:123456789"));
        Assert.True(text.Length > 1000);

        Assert.False(PartitionOffsets.TryParse(text, out _));
    }

    [Fact]
    public void After_a_message_it_is_past_that_message_in_its_partition_only_and_never_goes_back()
    {
        var start = new PartitionOffsets([13, 5, 8]);

        var after = start.After(1, 7);

        Assert.Equal("0:13,1:8,2:8", after.ToString());
        Assert.Equal("0:13,1:5,2:8", start.ToString());
        Assert.Equal("0:13,1:8,2:8", after.After(1, 2).ToString());
    }

    [Fact]
    public void Max_is_the_further_offset_of_each_partition_either_knows()
    {
        FeedPosition position = new PartitionOffsets([13, 5, 8]);

        Assert.Equal("0:13,1:9,2:8,3:4", position.Max(new PartitionOffsets([2, 9, 1, 4])).ToString());
    }

    [Fact]
    public void It_includes_the_messages_before_its_offset_in_their_partition()
    {
        var position = new PartitionOffsets([13, 5]);

        Assert.True(position.Includes(UpdateAt(0, 12)));
        Assert.False(position.Includes(UpdateAt(0, 13)));
        Assert.True(position.Includes(UpdateAt(1, 4)));
        Assert.False(position.Includes(UpdateAt(2, 0)));
    }

    [Fact]
    public void A_position_of_another_feed_is_refused()
    {
        var position = new PartitionOffsets([13]);

        Assert.Throws<ArgumentException>(() => position.Max(new OtherFeedPosition()));
        Assert.Throws<ArgumentException>(() => position.Includes(new OtherFeedUpdate()));
    }

    private static KafkaLiveUpdate UpdateAt(int partition, long offset) =>
        new(partition, offset, new PartitionOffsets([0, 0, 0]).After(partition, offset), "{}");

    private sealed class OtherFeedPosition : FeedPosition
    {
        public override bool Includes(LiveUpdate update) => false;
        public override FeedPosition Max(FeedPosition other) => this;
        public override string ToString() => "elsewhere";
    }

    private sealed class OtherFeedUpdate() : LiveUpdate(new OtherFeedPosition(), "{}");
}
