package mongotest_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/citizencloud/citizencredentials/mongodb/mongotest"
)

func TestStart(t *testing.T) {
	begin := time.Now()
	db := mongotest.Start(t)
	t.Logf("server up and connected in %v", time.Since(begin))
	ctx := t.Context()
	if _, err := db.Collection("c").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 1}}); err != nil {
		t.Fatalf("InsertOne: %v", err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := db.Collection("c").FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got); err != nil || got.N != 1 {
		t.Fatalf("FindOne = %+v, %v", got, err)
	}
	// Another database on the same client starts empty.
	other := mongotest.Database(db.Client())
	if n, err := other.Collection("c").CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Fatalf("fresh database has %d documents (%v)", n, err)
	}
}

func TestStartServerIsolated(t *testing.T) {
	// Two servers in one process: separate data directories, separate data.
	a := mongotest.Connect(t, mongotest.StartServer(t)).Database("d")
	b := mongotest.Connect(t, mongotest.StartServer(t)).Database("d")
	ctx := t.Context()
	if _, err := a.Collection("c").InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Collection("c").CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Fatalf("second server sees %d documents (%v)", n, err)
	}
}
