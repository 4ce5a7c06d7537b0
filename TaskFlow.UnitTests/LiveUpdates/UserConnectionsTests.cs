using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.UnitTests.LiveUpdates;

/// <summary>The per-user fan-out: who gets an update, and what happens to a connection that falls behind.</summary>
public sealed class UserConnectionsTests
{
    private readonly UserConnections _connections = new();
    private readonly KafkaLiveUpdate _update = new(0, 0, new PartitionOffsets([1]), "{}");

    [Fact]
    public void An_update_reaches_every_connection_of_its_user_and_no_other()
    {
        var phone = _connections.Add("ann");
        var laptop = _connections.Add("ann");
        var bobs = _connections.Add("bob");

        Assert.Equal(0, _connections.Deliver("ann", _update));

        Assert.True(phone.Reader.TryRead(out var onPhone));
        Assert.Same(_update, onPhone);
        Assert.True(laptop.Reader.TryRead(out var onLaptop));
        Assert.Same(_update, onLaptop);
        Assert.False(bobs.Reader.TryRead(out _));
    }

    [Fact]
    public void A_connection_too_far_behind_is_closed_after_what_it_holds_and_the_others_go_on()
    {
        var slow = _connections.Add("ann");
        var keepingUp = _connections.Add("ann");
        for (var i = 0; i < UserConnections.MaxQueued; i++)
        {
            Assert.Equal(0, _connections.Deliver("ann", _update));
            Assert.True(keepingUp.Reader.TryRead(out _));
        }

        Assert.Equal(1, _connections.Deliver("ann", _update));

        var held = 0;
        while (slow.Reader.TryRead(out _)) held++;
        Assert.Equal(UserConnections.MaxQueued, held);
        Assert.True(slow.Reader.Completion.IsCompleted);
        Assert.True(keepingUp.Reader.TryRead(out _));
        Assert.Equal(0, _connections.Deliver("ann", _update));
        Assert.True(keepingUp.Reader.TryRead(out _));
    }

    [Fact]
    public void A_user_whose_connections_have_ended_is_no_longer_served()
    {
        var ended = _connections.Add("ann");
        Assert.True(_connections.Has("ann"));
        _connections.Remove("ann", ended);
        Assert.False(_connections.Has("ann"));

        var fellBehind = _connections.Add("ann");
        for (var i = 0; i <= UserConnections.MaxQueued; i++) _connections.Deliver("ann", _update);
        Assert.False(_connections.Has("ann"));
        // Its stream still ends by removing it, which must do no harm.
        _connections.Remove("ann", fellBehind);
        Assert.False(_connections.Has("ann"));
    }
}
