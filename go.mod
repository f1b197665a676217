module github.com/ndnflow/ndnflow

go 1.26.8
