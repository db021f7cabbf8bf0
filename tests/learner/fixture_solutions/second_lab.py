def greet(name):
    return f"hello, {name}"


def shout(text):
    return text.upper()
