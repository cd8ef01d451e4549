package pubsub_test

import (
	"context"
	"fmt"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/memory"
)

// Publish on one channel and receive in a subscription to it and in a pattern
// subscription. Any driver works the same way; the memory one needs no server.
func Example() {
	ctx := context.Background()
	var broker pubsub.Broker = memory.New(memory.Config{})
	defer broker.Close()

	room, err := broker.Subscribe(ctx, "chat.lobby")
	if err != nil {
		panic(err)
	}
	all, err := broker.SubscribePattern(ctx, "chat.*")
	if err != nil {
		panic(err)
	}

	if err := broker.Publish(ctx, "chat.lobby", []byte("hello")); err != nil {
		panic(err)
	}
	m, _ := room.Next(ctx)
	fmt.Printf("%s: %s\n", m.Channel, m.Payload)
	m = <-all.Messages()
	fmt.Printf("%s: %s\n", m.Channel, m.Payload)
	// Output:
	// chat.lobby: hello
	// chat.lobby: hello
}

func ExampleMatch() {
	fmt.Println(pubsub.Match("chat.*", "chat.lobby"))
	fmt.Println(pubsub.Match("chat.*", "chat.lobby.typing"))
	fmt.Println(pubsub.Match("chat.>", "chat.lobby.typing"))
	// Output:
	// true
	// false
	// true
}

func ExampleValidChannel() {
	fmt.Println(pubsub.ValidChannel("it's a room ☃"))
	fmt.Println(pubsub.ValidChannel("line\nbreak"))
	// Output:
	// <nil>
	// pubsub: invalid channel: channel "line\nbreak" has a control character at byte 4
}
