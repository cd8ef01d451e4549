package nats_test

import (
	"context"
	"log"

	"github.com/sinewdev/sinew/pubsub/nats"
)

// A cluster is several URLs separated by commas; namespace keeps apps apart.
func ExampleOpen() {
	ctx := context.Background()
	broker, err := nats.Open(ctx, "nats://n1.internal:4222,nats://n2.internal:4222?namespace=shop")
	if err != nil {
		log.Fatal(err)
	}
	defer broker.Close()

	sub, err := broker.Subscribe(ctx, "orders.created")
	if err != nil {
		log.Fatal(err)
	}
	if err := broker.Publish(ctx, "orders.created", []byte(`{"id":42}`)); err != nil {
		log.Fatal(err)
	}
	m, err := sub.Next(ctx)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %s", m.Channel, m.Payload)
}
