#lang racket/base
(displayln "OK")
