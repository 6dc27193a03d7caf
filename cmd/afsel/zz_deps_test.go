package main
import (
 _ "github.com/fxamacker/cbor/v2"
 _ "gonum.org/v1/plot"
 _ "gonum.org/v1/plot/vg/vgsvg"
 _ "gonum.org/v1/plot/vg/vgimg"
 _ "golang.org/x/net/html"
 _ "github.com/apache/arrow/go/v15/parquet/pqarrow"
)
