"""Renderers: they present a Report; they decide nothing about what is wrong."""
